package io.basalt.operator.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolSpec;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.operator.MockCluster;
import io.basalt.operator.placement.ReplicaPlacer;
import io.basalt.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VolumeClaimReconcilerTest {

    private static final long GIB = 1L << 30;
    private static final String NS = BasaltResources.NAMESPACE;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void startOperator() {
        cluster = new MockCluster();
        client = cluster.client();
        cluster.startOperator(List.of(reconciler()));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void volumeWithoutConsumerWaitsForOne() {
        givenPools(3);

        createClaim("pvc-1", null);

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("WaitingForConsumer"));
        assertThat(claim("pvc-1").getStatus().phase()).isEqualTo(VolumePhase.PENDING);
        assertThat(client.resources(VolumeReplica.class).inNamespace(NS).list().getItems()).isEmpty();
    }

    @Test
    void consumerNodeLeadsToReplicasSecretTargetAndItsServer() {
        givenPools(3);

        createClaim("pvc-1", "node-2");

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("WaitingForTarget"));
        List<VolumeReplica> replicas = client.resources(VolumeReplica.class).inNamespace(NS).list().getItems();
        assertThat(replicas).extracting(r -> r.getSpec().pool()).containsExactlyInAnyOrder("pool-1", "pool-2", "pool-3");
        VolumeTarget target = client.resources(VolumeTarget.class).inNamespace(NS).withName("pvc-1").get();
        assertThat(target.getSpec().replicationFactor()).isEqualTo(3);
        assertThat(target.getSpec().consistencyFactor()).isEqualTo(2);
        assertThat(target.getSpec().iqn()).isEqualTo("iqn.2026-01.io.basalt:pvc-1");
        assertThat(target.getSpec().replicas()).extracting(r -> r.address())
                .contains("pool-pool-1.basalt-system.svc:9500");
        assertThat(client.secrets().inNamespace(NS).withName("pvc-1-chap").get().getData())
                .containsKeys(ChapSecret.USERNAME, ChapSecret.PASSWORD);
        Deployment server = client.apps().deployments().inNamespace(NS).withName("target-pvc-1").get();
        var container = server.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getArgs()).contains("--replica", "--consistency-factor", "2");
        assertThat(String.join(" ", container.getArgs())).doesNotContain("password");
        assertThat(server.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution().getFirst().getPreference()
                .getMatchExpressions().getFirst().getValues()).containsExactly("node-2");
        assertThat(client.services().inNamespace(NS).withName("target-pvc-1").get()).isNotNull();
    }

    @Test
    void targetServingWithAQuorumBindsTheVolume() {
        givenPools(3);
        createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> client.resources(VolumeTarget.class).inNamespace(NS).withName("pvc-1").get() != null);

        reportTarget("pvc-1", TargetPhase.DEGRADED, 2);

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        var status = claim("pvc-1").getStatus();
        assertThat(status.iqn()).isEqualTo("iqn.2026-01.io.basalt:pvc-1");
        assertThat(status.targetPortal()).endsWith(":3260");
        assertThat(status.chapSecretName()).isEqualTo("pvc-1-chap");
        assertThat(status.capacityBytes()).isEqualTo(GIB);
        assertThat(ready("pvc-1").getStatus()).isEqualTo("True");
    }

    @Test
    void notEnoughPoolsSaysWhichPoolsAndWhyAndAnAddedPoolLetsItBind() {
        givenPools(2);

        createClaim("pvc-1", "node-1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("NotEnoughPools"));
        assertThat(ready("pvc-1").getMessage())
                .contains("needs 3 pools on distinct nodes with 1Gi free; found 2")
                .contains("pool-1 on node-1").contains("pool-2 on node-2")
                .contains("add pools to pool cluster fast");
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("NotEnoughPools"));

        givenPool(3);

        await().atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("WaitingForTarget"));
    }

    @Test
    void restartedOperatorConvergesWithoutDuplicates() {
        givenPools(3);
        createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(NS).withName("target-pvc-1").get() != null);

        cluster.stopOperator();
        cluster.startOperator(List.of(reconciler()));
        reportTarget("pvc-1", TargetPhase.HEALTHY, 3);

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        assertThat(client.resources(VolumeReplica.class).inNamespace(NS).list().getItems()).hasSize(3);
        assertThat(client.resources(VolumeTarget.class).inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).hasSize(1);
        assertThat(client.services().inNamespace(NS).list().getItems()).hasSize(1);
    }

    @Test
    void deletingTheClaimRemovesEverythingItMade() {
        givenPools(3);
        createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> client.apps().deployments().inNamespace(NS).withName("target-pvc-1").get() != null);

        client.resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1").delete();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.resources(VolumeClaim.class).inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.resources(VolumeReplica.class).inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.resources(VolumeTarget.class).inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.services().inNamespace(NS).list().getItems()).isEmpty();
            assertThat(client.secrets().inNamespace(NS).list().getItems()).isEmpty();
        });
    }

    private static Reconciler<VolumeClaim> reconciler() {
        return new VolumeClaimReconciler("basalt/engine:test", new ReplicaPlacer(), new Conditions(Clock.systemUTC()));
    }

    private void givenPools(int count) {
        for (int i = 1; i <= count; i++) {
            givenPool(i);
        }
    }

    private void givenPool(int i) {
        StoragePool pool = new StoragePool();
        pool.setMetadata(new ObjectMetaBuilder().withName("pool-" + i).withNamespace(NS).build());
        pool.setSpec(new StoragePoolSpec("fast", "node-" + i, "/var/lib/basalt", null));
        pool = client.resource(pool).create();
        pool.setStatus(new StoragePoolStatus(1L, null, PoolPhase.ONLINE, null, null, 100 * GIB, 0L, 100 * GIB, 0));
        client.resource(pool).updateStatus();
    }

    private void createClaim(String name, String node) {
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        claim.setSpec(new VolumeClaimSpec(GIB, "fast", 3, null, null, null, node));
        client.resource(claim).create();
    }

    private void reportTarget(String name, TargetPhase phase, int healthy) {
        VolumeTarget target = client.resources(VolumeTarget.class).inNamespace(NS).withName(name).get();
        target.setStatus(new VolumeTargetStatus(1L, null, phase, null, GIB, 1L, healthy, List.of()));
        client.resource(target).updateStatus();
    }

    private VolumeClaim claim(String name) {
        return client.resources(VolumeClaim.class).inNamespace(NS).withName(name).get();
    }

    private VolumePhase phase(String name) {
        VolumeClaim claim = claim(name);
        return claim.getStatus() == null ? null : claim.getStatus().phase();
    }

    private Condition ready(String name) {
        VolumeClaim claim = claim(name);
        assertThat(claim.getStatus()).isNotNull();
        return claim.getStatus().conditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    }
}
