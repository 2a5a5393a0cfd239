package io.basalt.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.PoolEntry;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.StoragePoolClusterSpec;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaSpec;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.operator.MockCluster;
import io.basalt.operator.OperatorSettings;
import io.basalt.operator.Reconcilers;
import io.basalt.operator.engine.GrpcEngineClients;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Across the engine seam for real: the operator's network clients against the engine's pool server
 * process (the shaded engine jar), listening on its ports 9500 and 9501 at the loopback address the
 * mock cluster gives the pool's Service as its cluster IP.
 */
class RealPoolServerIT {

    private static final String NS = BasaltResources.NAMESPACE;
    private static final long CAPACITY = 512L << 20;
    private static final long REPLICA_SIZE = 64L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private String ip;
    private Process pool;
    private MockCluster cluster;
    private GrpcEngineClients engines;
    private KubernetesClient client;

    @BeforeEach
    void startPoolServerAndOperator() throws IOException, InterruptedException {
        startPoolServer();
        cluster = new MockCluster(service -> service.getMetadata().getName().equals("pool-fast-a") ? ip : "10.96.0.9");
        client = cluster.client();
        engines = GrpcEngineClients.network(Duration.ofSeconds(3));
        cluster.startOperator(Reconcilers.all(
                new OperatorSettings("basalt/engine:test", Duration.ofMillis(300), Duration.ofMinutes(5)), engines));
        StoragePoolCluster spc = new StoragePoolCluster();
        spc.setMetadata(new ObjectMetaBuilder().withName("fast").withNamespace(NS).build());
        spc.setSpec(new StoragePoolClusterSpec(List.of(new PoolEntry("a", "node-1", work.toString(), null)), null, null));
        client.resource(spc).create();
    }

    @AfterEach
    void stopEverything() {
        if (cluster != null) {
            cluster.close();
        }
        if (engines != null) {
            engines.close();
        }
        stopPoolServer();
    }

    @Test
    void poolTurnsOnlineWithTheCapacityItsServerReports() {
        await().atMost(WAIT).until(() -> online("fast-a"));
        await().atMost(WAIT).untilAsserted(() -> {
            var status = client.resources(StoragePool.class).inNamespace(NS).withName("fast-a").get().getStatus();
            assertThat(status.capacityBytes()).isEqualTo(CAPACITY);
            assertThat(status.freeBytes()).isPositive().isLessThanOrEqualTo(CAPACITY);
            assertThat(status.replicaCount()).isZero();
            assertThat(status.managementEndpoint()).isEqualTo(ip + ":9501");
        });
    }

    @Test
    void volumeReplicaIsCreatedOnTheRealPoolAndItsDataDeletedWithIt() {
        await().atMost(WAIT).until(() -> online("fast-a"));
        client.resource(new SecretBuilder().withNewMetadata().withName("vol-1-chap").withNamespace(NS).endMetadata()
                .addToData(ChapSecret.REPLICA_SECRET, Base64.getEncoder().encodeToString(
                        "a-replica-secret-of-at-least-32-characters".getBytes(StandardCharsets.UTF_8)))
                .build()).create();
        VolumeReplica replica = new VolumeReplica();
        replica.setMetadata(new ObjectMetaBuilder().withName("vol-1-r1").withNamespace(NS).build());
        replica.setSpec(new VolumeReplicaSpec("vol-1", "fast-a", REPLICA_SIZE, null));

        client.resource(replica).create();

        await().atMost(WAIT).untilAsserted(() -> assertThat(onPool()).extracting(ReplicaInfo::getName)
                .containsExactly("vol-1-r1"));
        assertThat(onPool().getFirst().getSizeBytes()).isEqualTo(REPLICA_SIZE);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.resources(VolumeReplica.class).inNamespace(NS)
                .withName("vol-1-r1").get().getStatus()).isNotNull()
                .satisfies(status -> assertThat(status.capacityBytes()).isEqualTo(REPLICA_SIZE)));

        client.resources(VolumeReplica.class).inNamespace(NS).withName("vol-1-r1").delete();

        await().atMost(WAIT).untilAsserted(() -> assertThat(onPool()).isEmpty());
    }

    @Test
    void killedPoolServerTurnsThePoolOffline() {
        await().atMost(WAIT).until(() -> online("fast-a"));

        stopPoolServer();

        await().atMost(WAIT).untilAsserted(() -> {
            var status = client.resources(StoragePool.class).inNamespace(NS).withName("fast-a").get().getStatus();
            assertThat(status).isNotNull();
            assertThat(status.phase()).isEqualTo(PoolPhase.OFFLINE);
            assertThat(status.conditions().getFirst().getReason()).isEqualTo("Unreachable");
        });
    }

    private List<ReplicaInfo> onPool() {
        return engines.pool(ip + ":9501").replicas();
    }

    private boolean online(String name) {
        StoragePool pool = client.resources(StoragePool.class).inNamespace(NS).withName(name).get();
        return pool != null && pool.getStatus() != null && pool.getStatus().phase() == PoolPhase.ONLINE;
    }

    /** Starts the pool server on a random loopback address, trying another when the ports are taken there. */
    private void startPoolServer() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("basalt.engine.jar", "../engine/target/basalt-engine.jar"));
        assertThat(jar).as("the engine jar (built by the engine module before the operator)").exists();
        for (int attempt = 0; attempt < 5; attempt++) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            ip = "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + "." + random.nextInt(1, 255);
            Path log = work.resolve("pool-" + attempt + ".log");
            pool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", jar.toAbsolutePath().toString(), "pool", "--dir", work.resolve("pool").toString(),
                    "--capacity", Long.toString(CAPACITY), "--listen", ip + ":9500", "--mgmt", ip + ":9501")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && pool.isAlive()
                    && !Files.readString(log).contains("replica pool ready")) {
                Thread.sleep(100);
            }
            if (pool.isAlive() && Files.readString(log).contains("replica pool ready")) {
                return;
            }
            stopPoolServer();
        }
        throw new IllegalStateException("no pool server could start on a loopback address");
    }

    private void stopPoolServer() {
        if (pool == null) {
            return;
        }
        pool.destroyForcibly();
        try {
            pool.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool = null;
    }
}
