package io.basalt.engine.acceptance.replicated;

import com.google.protobuf.ByteString;
import io.basalt.engine.acceptance.pool.PoolServerProcess;
import io.basalt.testbed.FreePort;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.ReplicatedTargetLauncher;
import io.basalt.engine.management.v1.CloneSource;
import io.basalt.engine.management.v1.CreateReplicaRequest;
import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.PoolManagementGrpc.PoolManagementBlockingStub;
import io.basalt.engine.management.v1.ReplicaChecksumRequest;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Pool servers and replicated targets from the shaded engine jar on loopback, as the acceptance
 * tests of replication need them: pools that can be killed with SIGKILL and restarted on the same
 * directory and ports, volumes with one replica on each of some pools, and their targets.
 * Closing it stops every process it started.
 */
public final class ReplicatedVolumeCluster implements AutoCloseable {

    /** The replica protocol secret of every volume here (the pools keep it, the targets prove it). */
    static final byte[] SECRET = "acceptance-volume-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    private final Workspace workspace;
    private final Path jar = Path.of(System.getProperty("basalt.engine.jar", "target/basalt-engine.jar"));
    private final List<PoolServerProcess> pools = new ArrayList<>();
    private final List<String> replicaAddresses = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<ReplicatedVolume> volumes = new ArrayList<>();

    private ReplicatedVolumeCluster(Workspace workspace) {
        this.workspace = workspace;
    }

    /** Starts {@code count} pool servers, each on its own directory with a fixed replica protocol port. */
    public static ReplicatedVolumeCluster withPools(Workspace workspace, int count) {
        ReplicatedVolumeCluster cluster = new ReplicatedVolumeCluster(workspace);
        try {
            for (int i = 0; i < count; i++) {
                Path dir = Files.createDirectories(workspace.scratch().resolve("pool-" + i));
                String listen = "127.0.0.1:" + FreePort.onLoopback();
                PoolServerProcess pool = new PoolServerProcess(workspace, dir, List.of("--listen", listen));
                cluster.pools.add(pool);
                cluster.replicaAddresses.add(listen);
                ManagedChannel channel = NettyChannelBuilder.forTarget(pool.mgmt()).usePlaintext().build();
                cluster.channels.add(channel);
                pool.start();
            }
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot start the pools", e);
        } catch (InterruptedException e) {
            cluster.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the pools", e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public Workspace workspace() {
        return workspace;
    }

    public Path jar() {
        return jar;
    }

    public PoolServerProcess pool(int index) {
        return pools.get(index);
    }

    /** Kills the pools with SIGKILL at the same moment, as when their node fails, and waits until all are gone. */
    public void killNineTogether(List<Integer> indexes) {
        sideBySide(indexes, index -> pool(index).killNine());
    }

    /** Starts the pools side by side and waits until all are ready. */
    public void startTogether(List<Integer> indexes) {
        sideBySide(indexes, index -> pool(index).start());
    }

    private interface PoolAction {
        void apply(int index) throws IOException, InterruptedException;
    }

    /** Runs {@code action} on each pool on a thread of its own, and waits for all. */
    private static void sideBySide(List<Integer> indexes, PoolAction action) {
        try (ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().factory())) {
            List<Future<Void>> done = indexes.stream().map(index -> threads.submit(() -> {
                action.apply(index);
                return (Void) null;
            })).toList();
            for (Future<Void> each : done) {
                each.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a pool action failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while acting on pools " + indexes, e);
        }
    }

    /** The pool's management API, with a deadline per call. */
    public PoolManagementBlockingStub poolApi(int index) {
        return PoolManagementGrpc.newBlockingStub(channels.get(index)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    /** {@code NAME@HOST:PORT} of the replica {@code name} on pool {@code index}, as {@code --replica} takes it. */
    public String replica(String name, int index) {
        return name + "@" + replicaAddresses.get(index);
    }

    public String replicaAddress(int index) {
        return replicaAddresses.get(index);
    }

    /** Creates the replica {@code name} of {@code sizeBytes} on each of the pools, with the volume secret. */
    public void createReplicas(String name, long sizeBytes, List<Integer> poolIndexes) {
        poolIndexes.forEach(index -> poolApi(index).createReplica(CreateReplicaRequest.newBuilder().setName(name)
                .setSizeBytes(sizeBytes).setSecret(ByteString.copyFrom(SECRET)).build()));
    }

    /** Creates the replica {@code name} on each of the pools as a clone of {@code origin@snapshot} there. */
    public void createClones(String name, String origin, String snapshot, List<Integer> poolIndexes) {
        poolIndexes.forEach(index -> poolApi(index).createReplica(CreateReplicaRequest.newBuilder().setName(name)
                .setCloneOf(CloneSource.newBuilder().setReplica(origin).setSnapshot(snapshot))
                .setSecret(ByteString.copyFrom(SECRET)).build()));
    }

    /** The replicas pool {@code index} lists. */
    public List<ReplicaInfo> replicasOn(int index) {
        return poolApi(index).listReplicas(ListReplicasRequest.getDefaultInstance()).getReplicasList();
    }

    /** The CRC32C of the replica {@code name}'s content on pool {@code index}. */
    public String checksum(String name, int index) {
        return poolApi(index).replicaChecksum(ReplicaChecksumRequest.newBuilder().setName(name).build()).getCrc32C();
    }

    /**
     * A volume served by a replicated target from its replicas (named like the volume) on the given
     * pools; not started yet. {@code extraOptions} go to every start of its target.
     */
    public ReplicatedVolume volume(String name, List<Integer> poolIndexes, List<String> extraOptions) {
        return volume(name, poolIndexes, FreePort.onLoopback(), extraOptions);
    }

    private ReplicatedVolume volume(String name, List<Integer> poolIndexes, int iscsiPort, List<String> extraOptions) {
        List<String> replicas = poolIndexes.stream().map(index -> replica(name, index)).toList();
        ReplicatedTargetLauncher.Spec spec = new ReplicatedTargetLauncher.Spec(name,
                "iqn.2026-11.io.basalt.test:" + name, replicas, iscsiPort,
                "127.0.0.1:" + FreePort.onLoopback(), SECRET, extraOptions);
        ReplicatedVolume volume = new ReplicatedVolume(new ReplicatedTargetLauncher(jar), spec, workspace);
        volumes.add(volume);
        return volume;
    }

    /**
     * Creates the replicas of a volume on the given pools and starts its target until every replica
     * is healthy; {@code extraOptions} go to every start of its target.
     */
    public ReplicatedVolume healthyVolume(String name, long sizeBytes, List<Integer> poolIndexes,
            List<String> extraOptions) {
        createReplicas(name, sizeBytes, poolIndexes);
        return volume(name, poolIndexes, extraOptions).startHealthy();
    }

    /**
     * As {@link #healthyVolume}, with its target advertising its portal at {@code host} and its own
     * port: where a QEMU guest reaches this machine's loopback.
     */
    public ReplicatedVolume healthyVolumeAdvertisedAt(String host, String name, long sizeBytes,
            List<Integer> poolIndexes) {
        createReplicas(name, sizeBytes, poolIndexes);
        int iscsiPort = FreePort.onLoopback();
        return volume(name, poolIndexes, iscsiPort, List.of("--advertise", host + ":" + iscsiPort)).startHealthy();
    }

    @Override
    public void close() {
        volumes.forEach(ReplicatedVolume::close);
        pools.forEach(PoolServerProcess::close);
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
