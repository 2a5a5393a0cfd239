package io.basalt.operator.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolEntry;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.StoragePoolClusterSpec;
import io.basalt.api.v1alpha1.StoragePoolClusterStatus;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.operator.ClusterWrites;
import io.basalt.operator.MockCluster;
import io.basalt.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoragePoolClusterReconcilerTest {

    private static final long GIB = 1L << 30;
    private static final String NS = BasaltResources.NAMESPACE;

    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void startOperator() {
        cluster = new MockCluster();
        client = cluster.client();
        cluster.startOperator(List.of(new StoragePoolClusterReconciler(
                new PoolServerTemplate("basalt/engine:test"), new Conditions(Clock.systemUTC()))));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void eachPoolEntryGetsAStoragePoolAndAPoolServerPinnedToItsNode() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));

        await().atMost(Duration.ofSeconds(20)).until(() -> deployment("pool-fast-a") != null && pool("fast-b") != null);

        assertThat(pool("fast-a").getSpec().nodeName()).isEqualTo("node-1");
        assertThat(pool("fast-b").getSpec().hostPath()).isEqualTo("/var/lib/basalt/b");
        var podSpec = deployment("pool-fast-a").getSpec().getTemplate().getSpec();
        assertThat(podSpec.getNodeSelector()).containsEntry("kubernetes.io/hostname", "node-1");
        assertThat(podSpec.getContainers().getFirst().getArgs())
                .containsExactly("pool", "--dir", "/var/lib/basalt/pool", "--listen", "0.0.0.0:9500",
                        "--mgmt", "0.0.0.0:9501");
        assertThat(podSpec.getVolumes().getFirst().getHostPath().getPath()).isEqualTo("/var/lib/basalt/a");
        assertThat(podSpec.getContainers().getFirst().getReadinessProbe().getTcpSocket()).isNotNull();
        assertThat(podSpec.getTolerations()).extracting("key").containsExactly("storage");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.services().inNamespace(NS).withName("pool-fast-b").get() != null);
    }

    @Test
    void statusCountsOnlinePoolsAndTheirSpaceAndSaysWhichAreNot() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));
        await().atMost(Duration.ofSeconds(20)).until(() -> pool("fast-b") != null);

        reportOnline("fast-a", 100 * GIB, 40 * GIB);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var status = client.resources(StoragePoolCluster.class).inNamespace(NS).withName("fast").get().getStatus();
            assertThat(status.poolsTotal()).isEqualTo(2);
            assertThat(status.poolsOnline()).isEqualTo(1);
            assertThat(status.capacityBytes()).isEqualTo(100 * GIB);
            assertThat(status.freeBytes()).isEqualTo(40 * GIB);
            assertThat(status.conditions()).singleElement().satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("PoolsNotOnline");
                assertThat(c.getMessage()).contains("fast-b on node-2 is not yet reporting");
            });
        });
    }

    @Test
    void poolGoingOfflineIsCountedOutAsSoonAsItsStatusSaysSo() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));
        await().atMost(Duration.ofSeconds(20)).until(() -> pool("fast-b") != null);
        reportOnline("fast-a", 100 * GIB, 40 * GIB);
        reportOnline("fast-b", 100 * GIB, 60 * GIB);
        await().atMost(Duration.ofSeconds(20)).until(() -> clusterStatus().poolsOnline() == 2);

        // Only the pool's status changes: nothing in the cluster itself does.
        reportStatus("fast-a", new StoragePoolStatus(1L, null, PoolPhase.OFFLINE, null, null, null, null, null, null));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(clusterStatus().poolsOnline()).isEqualTo(1);
            assertThat(clusterStatus().freeBytes()).isEqualTo(60 * GIB);
            assertThat(clusterStatus().conditions().getFirst().getMessage()).contains("fast-a on node-1 is offline");
        });
    }

    @Test
    void poolRemovedFromTheSpecGoesAwayWithItsServer() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));
        await().atMost(Duration.ofSeconds(20)).until(() -> deployment("pool-fast-b") != null);

        apply(spc("fast", entry("a", "node-1")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pool("fast-b")).isNull();
            assertThat(deployment("pool-fast-b")).isNull();
            assertThat(client.services().inNamespace(NS).withName("pool-fast-b").get()).isNull();
            assertThat(pool("fast-a")).isNotNull();
        });
    }

    @Test
    void poolThatStillHoldsReplicasIsKeptAndTheStatusSaysWhy() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));
        await().atMost(Duration.ofSeconds(20)).until(() -> pool("fast-b") != null);
        reportStatus("fast-b", new StoragePoolStatus(1L, null, PoolPhase.ONLINE, null, null, GIB, GIB, 0L, 2));

        apply(spc("fast", entry("a", "node-1")));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(pool("fast-b")).isNotNull();
            var ready = client.resources(StoragePoolCluster.class).inNamespace(NS).withName("fast").get()
                    .getStatus().conditions().getFirst();
            assertThat(ready.getReason()).isEqualTo("SpecNotApplied");
            assertThat(ready.getMessage()).contains("pool fast-b still holds 2 replicas");
        });
    }

    @Test
    void deletingTheClusterRemovesEveryPoolAndServer() {
        apply(spc("fast", entry("a", "node-1"), entry("b", "node-2")));
        await().atMost(Duration.ofSeconds(20)).until(() -> deployment("pool-fast-b") != null);

        client.resources(StoragePoolCluster.class).inNamespace(NS).withName("fast").delete();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(client.resources(StoragePool.class).inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.resources(StoragePoolCluster.class).inNamespace(NS).withName("fast").get()).isNull();
        });
    }

    private void apply(StoragePoolCluster spc) {
        ClusterWrites.apply(client, spc);
    }

    private void reportOnline(String name, long capacity, long free) {
        reportStatus(name, new StoragePoolStatus(1L, null, PoolPhase.ONLINE, null, null, capacity, capacity - free,
                free, 0));
    }

    /** Sets a pool's status as its server's report would. */
    private void reportStatus(String name, StoragePoolStatus status) {
        ClusterWrites.againOnConflict(() -> {
            StoragePool pool = pool(name);
            pool.setStatus(status);
            client.resource(pool).updateStatus();
        });
    }

    private StoragePoolClusterStatus clusterStatus() {
        return client.resources(StoragePoolCluster.class).inNamespace(NS).withName("fast").get().getStatus();
    }

    private StoragePool pool(String name) {
        return client.resources(StoragePool.class).inNamespace(NS).withName(name).get();
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    private static StoragePoolCluster spc(String name, PoolEntry... entries) {
        StoragePoolCluster spc = new StoragePoolCluster();
        spc.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        spc.setSpec(new StoragePoolClusterSpec(List.of(entries), null,
                List.of(new TolerationBuilder().withKey("storage").withOperator("Exists").build())));
        return spc;
    }

    private static PoolEntry entry(String name, String node) {
        return new PoolEntry(name, node, "/var/lib/basalt/" + name, null);
    }
}
