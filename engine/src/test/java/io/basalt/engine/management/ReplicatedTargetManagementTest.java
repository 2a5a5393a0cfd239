package io.basalt.engine.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.engine.replica.store.SnapshotInfo;
import io.basalt.engine.replication.LoopbackVolume;
import io.basalt.engine.replication.ReplicaEndpoint;
import io.basalt.engine.replication.ReplicatedBlockDevice;
import io.basalt.engine.replication.ReplicationSettings;
import io.basalt.engine.replication.VolumeStatus;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The management API of a replicated target, over gRPC on loopback, in front of three real pools. */
class ReplicatedTargetManagementTest {

    private static final String IQN = "iqn.2026-01.io.basalt:replicated";
    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    private ManagementServer server;
    private ManagedChannel channel;
    private ReplicatedBlockDevice device;

    @AfterEach
    void stopAll() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    /** Serves the management API of a target over the volume opened on the first {@code replicas} pools. */
    private TargetManagementGrpc.TargetManagementBlockingStub serve(int replicas, ReplicationSettings settings)
            throws Exception {
        List<ReplicaEndpoint> endpoints = IntStream.range(0, replicas).mapToObj(volume::endpoint)
                .toList();
        device = volume.open(endpoints, settings);
        LogicalUnit unit = new LogicalUnit(LogicalUnitConfig.basalt("0123456789abcdef"), device);
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0), new TargetManagementService(
                new ServedTarget(IQN, null, unit, new TargetBackend.Replicated(device), List::of)));
        channel = NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
        return api();
    }

    private TargetManagementGrpc.TargetManagementBlockingStub api() {
        return TargetManagementGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private ReplicaStatus replicaStatus(int pool) {
        return api().targetStatus(TargetStatusRequest.getDefaultInstance()).getReplicated().getReplicasList()
                .stream().filter(replica -> replica.getAddress().equals(volume.endpoint(pool).address()))
                .findFirst().orElseThrow();
    }

    @Test
    void statusReportsTheVolumeItsFactorsAndEveryReplicaHealthy() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        TargetStatusResponse status = api.targetStatus(TargetStatusRequest.getDefaultInstance());

        assertThat(status.getHealth()).isEqualTo(Health.HEALTHY);
        assertThat(status.getCapacityBytes()).isEqualTo(SIZE);
        ReplicatedBackend backend = status.getReplicated();
        assertThat(backend.getVolume()).isEqualTo(LoopbackVolume.VOLUME);
        assertThat(backend.getReplicationFactor()).isEqualTo(3);
        assertThat(backend.getConsistencyFactor()).isEqualTo(2);
        assertThat(backend.getEpoch()).isPositive();
        assertThat(backend.getReplicasList()).extracting(ReplicaStatus::getAddress).containsExactly(
                volume.endpoint(0).address(), volume.endpoint(1).address(), volume.endpoint(2).address());
        assertThat(backend.getReplicasList()).allSatisfy(replica -> {
            assertThat(replica.getMode()).isEqualTo(ReplicaMode.REPLICA_HEALTHY);
            assertThat(replica.getEpoch()).isEqualTo(backend.getEpoch());
            assertThat(replica.hasRebuild()).isFalse();
        });
    }

    @Test
    void statusOfAVolumeMissingAPoolIsDegradedAndSaysWhichReplicaAndWhy() throws Exception {
        serve(3, ReplicationSettings.defaults(2));

        volume.pool(2).stop();

        await().atMost(WAIT).until(() -> api().targetStatus(TargetStatusRequest.getDefaultInstance()).getHealth()
                == Health.DEGRADED);
        ReplicaStatus away = replicaStatus(2);
        assertThat(away.getMode()).isEqualTo(ReplicaMode.REPLICA_OFFLINE);
        assertThat(away.getReason()).isNotBlank();
        assertThat(api().targetStatus(TargetStatusRequest.getDefaultInstance()).getHealthReason())
                .contains(volume.endpoint(2).name());
    }

    @Test
    void aSnapshotNamesEveryReplicaThatHoldsIt() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        SnapshotVolumeResponse taken = api.snapshotVolume(SnapshotVolumeRequest.newBuilder().setSnapshot("s1").build());

        assertThat(taken.getSnapshot()).isEqualTo("s1");
        assertThat(taken.getHoldersList()).extracting(holder -> holder.getName() + "@" + holder.getAddress())
                .containsExactlyInAnyOrder(volume.endpoint(0).toString(), volume.endpoint(1).toString(),
                        volume.endpoint(2).toString());
        assertThat(taken.getMissingList()).isEmpty();
        assertThat(taken.getCreatedMillis()).isPositive();
    }

    @Test
    void aSnapshotTakenWhileAReplicaRebuildsLeavesItOutAndSaysSo() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(2,
                ReplicationSettings.defaults(2).withRebuildBytesPerSecond(1L << 20));
        api.addReplica(AddReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress(volume.endpoint(2).address()).build());
        assertThat(replicaStatus(2).getMode()).isEqualTo(ReplicaMode.REPLICA_REBUILDING);

        SnapshotVolumeResponse taken = api.snapshotVolume(SnapshotVolumeRequest.newBuilder().setSnapshot("s1").build());

        assertThat(taken.getHoldersList()).extracting(holder -> holder.getName() + "@" + holder.getAddress())
                .containsExactlyInAnyOrder(volume.endpoint(0).toString(), volume.endpoint(1).toString());
        assertThat(taken.getMissingList()).singleElement().satisfies(missing -> {
            assertThat(missing.getAddress()).isEqualTo(volume.endpoint(2).address());
            assertThat(missing.getReason()).contains("rebuilding");
        });
        assertThat(volume.pool(2).pool().replica(LoopbackVolume.VOLUME).listSnapshots()).isEmpty();
        assertThat(volume.pool(0).pool().replica(LoopbackVolume.VOLUME).listSnapshots())
                .extracting(SnapshotInfo::name).containsExactly("s1");
    }

    @Test
    void aSnapshotWithFewerHealthyReplicasThanTheConsistencyFactorIsAFailedPrecondition() throws Exception {
        serve(3, ReplicationSettings.defaults(2));
        volume.pool(1).stop();
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> api().targetStatus(TargetStatusRequest.getDefaultInstance()).getHealth()
                == Health.OFFLINE);

        assertRefused(() -> api().snapshotVolume(SnapshotVolumeRequest.newBuilder().setSnapshot("s1").build()),
                Status.Code.FAILED_PRECONDITION, "1 healthy replica(s), needs 2");
        assertThat(volume.pool(0).pool().replica(LoopbackVolume.VOLUME).listSnapshots()).isEmpty();
    }

    @Test
    void aSnapshotNameThatIsNotAFileNameIsAnInvalidArgument() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        assertThatThrownBy(() -> api.snapshotVolume(SnapshotVolumeRequest.newBuilder().setSnapshot("../s1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void removingAReplicaThatIsNotAMemberIsNotFound() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        assertRefused(() -> api.removeReplica(RemoveReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress("127.0.0.1:1").build()), Status.Code.NOT_FOUND, "not a member");
    }

    @Test
    void removingAReplicaWhoseAddressIsNotHostAndPortIsAnInvalidArgument() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        assertRefused(() -> api.removeReplica(RemoveReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress("pool-without-port").build()), Status.Code.INVALID_ARGUMENT, "is not HOST:PORT");
        assertRefused(() -> api().removeReplica(RemoveReplicaRequest.newBuilder()
                .setAddress(volume.endpoint(2).address()).build()), Status.Code.INVALID_ARGUMENT, "needs a name");
    }

    @Test
    void removingAReplicaBelowTheConsistencyFactorIsAFailedPreconditionAndKeepsIt() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));
        api.removeReplica(RemoveReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress(volume.endpoint(2).address()).build());

        assertRefused(() -> api().removeReplica(RemoveReplicaRequest.newBuilder()
                .setName(LoopbackVolume.VOLUME).setAddress(volume.endpoint(1).address()).build()),
                Status.Code.FAILED_PRECONDITION, "2 needed");
        ReplicatedBackend backend = api().targetStatus(TargetStatusRequest.getDefaultInstance()).getReplicated();
        assertThat(backend.getReplicasList()).extracting(ReplicaStatus::getAddress)
                .containsExactly(volume.endpoint(0).address(), volume.endpoint(1).address());
    }

    @Test
    void aReplicaAddedThroughTheApiRebuildsUntilHealthyAndHoldsTheSameData() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(2, ReplicationSettings.defaults(2));
        LoopbackVolume.write(device, 1L << 20, LoopbackVolume.pattern(4 << 20, 1));

        AddReplicaResponse added = api.addReplica(AddReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress(volume.endpoint(2).address()).build());

        assertThat(added.getReplica().getAddress()).isEqualTo(volume.endpoint(2).address());
        assertThat(added.getReplica().getMode()).isIn(ReplicaMode.REPLICA_REBUILDING, ReplicaMode.REPLICA_HEALTHY);
        await().atMost(WAIT).until(() -> replicaStatus(2).getMode() == ReplicaMode.REPLICA_HEALTHY);
        assertThat(api().targetStatus(TargetStatusRequest.getDefaultInstance()).getHealth()).isEqualTo(Health.HEALTHY);
        device.flush().get(30, TimeUnit.SECONDS);
        assertThat(volume.content(2)).isEqualTo(volume.content(0));
    }

    @Test
    void addingAReplicaWhoseAddressIsNotHostAndPortIsAnInvalidArgument() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        assertRefused(() -> api.addReplica(AddReplicaRequest.newBuilder().setName(LoopbackVolume.VOLUME)
                .setAddress("pool-without-port").build()), Status.Code.INVALID_ARGUMENT, "is not HOST:PORT");
    }

    @Test
    void growingTheTargetGrowsEveryReplica() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        ResizeTargetResponse resized = api.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(2 * SIZE).build());

        assertThat(resized.getPreviousCapacityBytes()).isEqualTo(SIZE);
        assertThat(resized.getCapacityBytes()).isEqualTo(2 * SIZE);
        for (int i = 0; i < 3; i++) {
            assertThat(volume.pool(i).pool().replica(LoopbackVolume.VOLUME).size()).isEqualTo(2 * SIZE);
        }
    }

    @Test
    void growingToASizeThePoolsCannotHoldIsAnInvalidArgumentAndKeepsEveryReplica() throws Exception {
        TargetManagementGrpc.TargetManagementBlockingStub api = serve(3, ReplicationSettings.defaults(2));

        assertRefused(() -> api.resizeTarget(ResizeTargetRequest.newBuilder().setCapacityBytes(SIZE + 512).build()),
                Status.Code.INVALID_ARGUMENT, "multiple of 4096");

        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);
        assertThat(device.size()).isEqualTo(SIZE);
    }

    /** The call fails with {@code code} and a description that contains {@code description}. */
    private static void assertRefused(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(description);
        });
    }
}
