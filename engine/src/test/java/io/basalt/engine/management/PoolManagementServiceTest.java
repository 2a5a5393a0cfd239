package io.basalt.engine.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.basalt.engine.management.v1.CloneSource;
import io.basalt.engine.management.v1.CreateReplicaRequest;
import io.basalt.engine.management.v1.CreateSnapshotRequest;
import io.basalt.engine.management.v1.DeleteReplicaRequest;
import io.basalt.engine.management.v1.DeleteSnapshotRequest;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.PoolStatusRequest;
import io.basalt.engine.management.v1.PoolStatusResponse;
import io.basalt.engine.management.v1.ReplicaChecksumRequest;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.engine.management.v1.ResizeReplicaRequest;
import io.basalt.engine.management.v1.SnapshotDetails;
import io.basalt.engine.replica.server.ReplicaSecrets;
import io.basalt.engine.replica.store.ReplicaPool;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PoolManagementServiceTest {

    private static final long SIZE = 1L << 20;

    @TempDir
    Path dir;

    private ReplicaPool pool;
    private ManagementServer server;
    private ManagedChannel channel;
    private PoolManagementGrpc.PoolManagementBlockingStub client;

    @BeforeEach
    void serve() throws Exception {
        serve(0);
    }

    private void serve(long capacityCap) throws Exception {
        pool = ReplicaPool.open(dir);
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0),
                new PoolManagementService(pool, new PoolSpace(dir, capacityCap), ReplicaSecrets.open(dir)));
        channel = NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
        client = PoolManagementGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        pool.close();
    }

    @Test
    void createdReplicaIsListedWithSizeEpochAndNoSnapshots() {
        ReplicaInfo created = client.createReplica(create("vol-a", SIZE));

        assertThat(created.getName()).isEqualTo("vol-a");
        assertThat(created.getSizeBytes()).isEqualTo(SIZE);
        assertThat(client.listReplicas(ListReplicasRequest.getDefaultInstance()).getReplicasList())
                .containsExactly(created);
        assertThat(created.getEpoch()).isZero();
        assertThat(created.getSnapshotsList()).isEmpty();
    }

    @Test
    void creatingAnIdenticalReplicaAgainReturnsTheExistingOne() throws Exception {
        client.createReplica(create("vol-a", SIZE));
        pool.replica("vol-a").write(0, ByteBuffer.wrap(filled(4096, 7)), 1);

        ReplicaInfo again = client.createReplica(create("vol-a", SIZE));

        assertThat(again.getUsedBytes()).isEqualTo(4096);
        assertThat(pool.replicaNames()).containsExactly("vol-a");
    }

    @Test
    void creatingANameTakenWithAnotherSizeIsAlreadyExists() {
        client.createReplica(create("vol-a", SIZE));

        assertRefused(() -> client.createReplica(create("vol-a", 2 * SIZE)), Status.Code.ALREADY_EXISTS, "already exists");
    }

    @Test
    void sizeThatIsNotAMultipleOfTheBlockIsInvalidArgument() {
        assertRefused(() -> client.createReplica(create("vol-a", 1000)), Status.Code.INVALID_ARGUMENT, "1000");
    }

    @Test
    void invalidNameIsInvalidArgument() {
        assertRefused(() -> client.createReplica(create("../escape", SIZE)), Status.Code.INVALID_ARGUMENT, "name");
    }

    @Test
    void aSecretGivenAtCreationIsKeptInThePoolDirectory() throws Exception {
        byte[] secret = filled(32, 9);

        client.createReplica(create("vol-a", SIZE).toBuilder().setSecret(ByteString.copyFrom(secret)).build());

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).hasValueSatisfying(kept -> assertThat(kept).isEqualTo(secret));
    }

    @Test
    void aSecretShorterThanSixteenBytesIsInvalidArgumentAndCreatesNothing() {
        assertRefused(() -> client.createReplica(create("vol-a", SIZE).toBuilder()
                .setSecret(ByteString.copyFrom(filled(8, 1))).build()), Status.Code.INVALID_ARGUMENT, "secret");
        assertThat(pool.replicaNames()).isEmpty();
    }

    @Test
    void deletingAReplicaForgetsItsSecret() throws Exception {
        client.createReplica(create("vol-a", SIZE).toBuilder().setSecret(ByteString.copyFrom(filled(32, 9))).build());

        client.deleteReplica(DeleteReplicaRequest.newBuilder().setName("vol-a").build());

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).isEmpty();
    }

    @Test
    void cloneOfASnapshotReadsTheSnapshotAndTakesItsSize() throws Exception {
        client.createReplica(create("origin", SIZE));
        pool.replica("origin").write(0, ByteBuffer.wrap(filled(4096, 1)), 1);
        client.createSnapshot(snapshot("origin", "s1"));
        pool.replica("origin").write(0, ByteBuffer.wrap(filled(4096, 2)), 2);

        ReplicaInfo clone = client.createReplica(CreateReplicaRequest.newBuilder().setName("copy")
                .setCloneOf(CloneSource.newBuilder().setReplica("origin").setSnapshot("s1")).build());

        assertThat(clone.getSizeBytes()).isEqualTo(SIZE);
        assertThat(clone.getUsedBytes()).isZero();
        assertThat(pool.replica("copy").read(0, 4096)).isEqualTo(filled(4096, 1));
    }

    @Test
    void cloneOfAMissingSnapshotIsNotFound() {
        client.createReplica(create("origin", SIZE));

        assertRefused(() -> client.createReplica(CreateReplicaRequest.newBuilder().setName("copy")
                .setCloneOf(CloneSource.newBuilder().setReplica("origin").setSnapshot("nope")).build()),
                Status.Code.NOT_FOUND, "nope");
    }

    @Test
    void snapshotsAreListedWithTheirReplicaAndGoneAfterDeletion() {
        client.createReplica(create("vol-a", SIZE));

        SnapshotDetails taken = client.createSnapshot(snapshot("vol-a", "s1"));
        assertThat(listed("vol-a").getSnapshotsList()).containsExactly(taken);

        client.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setReplica("vol-a").setSnapshot("s1").build());
        assertThat(listed("vol-a").getSnapshotsList()).isEmpty();
    }

    @Test
    void snapshotNameTakenIsAlreadyExists() {
        client.createReplica(create("vol-a", SIZE));
        client.createSnapshot(snapshot("vol-a", "s1"));

        assertRefused(() -> client.createSnapshot(snapshot("vol-a", "s1")), Status.Code.ALREADY_EXISTS, "s1");
    }

    @Test
    void deletingAMissingSnapshotOrReplicaIsNotFound() {
        client.createReplica(create("vol-a", SIZE));

        assertRefused(() -> client.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setReplica("vol-a")
                .setSnapshot("s9").build()), Status.Code.NOT_FOUND, "s9");
        assertRefused(() -> client.deleteReplica(DeleteReplicaRequest.newBuilder().setName("vol-z").build()),
                Status.Code.NOT_FOUND, "vol-z");
    }

    @Test
    void deletingANameWithAPathInItIsNotFoundAndLeavesTheReplicaItNamesUsable() throws Exception {
        client.createReplica(create("vol-a", SIZE).toBuilder().setSecret(ByteString.copyFrom(filled(32, 9))).build());

        assertRefused(() -> client.deleteReplica(DeleteReplicaRequest.newBuilder().setName("./vol-a").build()),
                Status.Code.NOT_FOUND, "./vol-a");

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).isPresent();
    }

    @Test
    void resizeGrowsTheReplicaAndTheCurrentSizeIsANoOp() {
        client.createReplica(create("vol-a", SIZE));

        assertThat(client.resizeReplica(resize("vol-a", 4 * SIZE)).getSizeBytes()).isEqualTo(4 * SIZE);
        assertThat(client.resizeReplica(resize("vol-a", 4 * SIZE)).getSizeBytes()).isEqualTo(4 * SIZE);
        assertThat(listed("vol-a").getSizeBytes()).isEqualTo(4 * SIZE);
    }

    @Test
    void shrinkingIsFailedPrecondition() {
        client.createReplica(create("vol-a", SIZE));

        assertRefused(() -> client.resizeReplica(resize("vol-a", SIZE / 2)), Status.Code.FAILED_PRECONDITION, "shrink");
    }

    @Test
    void deletedReplicaIsNoLongerListed() {
        client.createReplica(create("vol-a", SIZE));
        client.createReplica(create("vol-b", SIZE));

        client.deleteReplica(DeleteReplicaRequest.newBuilder().setName("vol-a").build());

        assertThat(client.listReplicas(ListReplicasRequest.getDefaultInstance()).getReplicasList())
                .extracting(ReplicaInfo::getName).containsExactly("vol-b");
    }

    @Test
    void checksumsAreEqualForEqualContentAndDifferForOther() throws Exception {
        for (String name : new String[] {"a", "b", "c"}) {
            client.createReplica(create(name, SIZE));
        }
        pool.replica("a").write(8192, ByteBuffer.wrap(filled(4096, 5)), 1);
        pool.replica("b").write(8192, ByteBuffer.wrap(filled(4096, 5)), 1);
        pool.replica("c").write(8192, ByteBuffer.wrap(filled(4096, 6)), 1);

        String a = client.replicaChecksum(ReplicaChecksumRequest.newBuilder().setName("a").build()).getCrc32C();
        String b = client.replicaChecksum(ReplicaChecksumRequest.newBuilder().setName("b").build()).getCrc32C();
        String c = client.replicaChecksum(ReplicaChecksumRequest.newBuilder().setName("c").build()).getCrc32C();

        assertThat(a).matches("[0-9a-f]{8}").isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void statusReportsSpaceAndReplicaCount() throws Exception {
        client.createReplica(create("vol-a", SIZE));
        pool.replica("vol-a").write(0, ByteBuffer.wrap(filled(8192, 3)), 1);

        PoolStatusResponse status = client.poolStatus(PoolStatusRequest.getDefaultInstance());

        assertThat(status.getDirectory()).isEqualTo(dir.toString());
        assertThat(status.getReplicaCount()).isEqualTo(1);
        assertThat(status.getUsedBytes()).isEqualTo(8192);
        assertThat(status.getCapacityBytes()).isPositive();
        assertThat(status.getFreeBytes()).isPositive().isLessThanOrEqualTo(status.getCapacityBytes());
        assertThat(status.getHealth()).isEqualTo(Health.HEALTHY);
    }

    @Test
    void capacityCapBoundsCapacityAndFreeSpace() throws Exception {
        stop();
        serve(64 * 1024);
        client.createReplica(create("vol-a", SIZE));
        pool.replica("vol-a").write(0, ByteBuffer.wrap(filled(16 * 1024, 3)), 1);

        PoolStatusResponse status = client.poolStatus(PoolStatusRequest.getDefaultInstance());

        assertThat(status.getCapacityBytes()).isEqualTo(64 * 1024);
        assertThat(status.getFreeBytes()).isEqualTo(48 * 1024);
    }

    @Test
    void fullPoolRefusesNewReplicasAsResourceExhaustedAndReportsDegraded() throws Exception {
        stop();
        serve(8192);
        client.createReplica(create("vol-a", SIZE));
        pool.replica("vol-a").write(0, ByteBuffer.wrap(filled(8192, 3)), 1);

        assertRefused(() -> client.createReplica(create("vol-b", SIZE)), Status.Code.RESOURCE_EXHAUSTED, "full");
        assertThat(client.poolStatus(PoolStatusRequest.getDefaultInstance()).getHealth()).isEqualTo(Health.DEGRADED);
    }

    private ReplicaInfo listed(String name) {
        return client.listReplicas(ListReplicasRequest.getDefaultInstance()).getReplicasList().stream()
                .filter(replica -> replica.getName().equals(name)).findFirst().orElseThrow();
    }

    private static CreateReplicaRequest create(String name, long size) {
        return CreateReplicaRequest.newBuilder().setName(name).setSizeBytes(size).build();
    }

    private static ResizeReplicaRequest resize(String name, long size) {
        return ResizeReplicaRequest.newBuilder().setName(name).setSizeBytes(size).build();
    }

    private static CreateSnapshotRequest snapshot(String replica, String snapshot) {
        return CreateSnapshotRequest.newBuilder().setReplica(replica).setSnapshot(snapshot).build();
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static void assertRefused(ThrowingCallable call, Status.Code code, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }
}
