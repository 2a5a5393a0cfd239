package io.basalt.operator.volume;

import static io.basalt.operator.OperatorHarness.GIB;
import static io.basalt.operator.OperatorHarness.NS;
import static io.basalt.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaSpec;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetSpec;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.operator.OperatorHarness;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VolumeClaimReconcilerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private OperatorHarness harness;

    @BeforeEach
    void start() {
        harness = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void volumeWithoutConsumerWaitsForOne() {
        harness.givenPools(3);

        harness.createClaim("pvc-1", null);

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("WaitingForConsumer"));
        assertThat(phase("pvc-1")).isEqualTo(VolumePhase.PENDING);
        assertThat(harness.all(VolumeReplica.class)).isEmpty();
    }

    @Test
    void consumerNodeLeadsToABoundVolumeServedByItsTargetWithHealthyReplicas() {
        harness.givenPools(3);

        harness.createClaim("pvc-1", "node-2");

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        Service service = harness.client().services().inNamespace(NS).withName("target-pvc-1").get();
        var status = harness.claim("pvc-1").getStatus();
        assertThat(status.targetPortal()).isEqualTo(service.getSpec().getClusterIP() + ":3260");
        assertThat(status.iqn()).isEqualTo("iqn.2026-01.io.basalt:pvc-1");
        assertThat(status.chapSecretName()).isEqualTo("pvc-1-chap");
        assertThat(status.capacityBytes()).isEqualTo(GIB);
        assertThat(ready("pvc-1").getStatus()).isEqualTo("True");
        await().atMost(WAIT).untilAsserted(() -> {
            VolumeTarget target = harness.target("pvc-1");
            assertThat(target.getStatus().phase()).isEqualTo(TargetPhase.HEALTHY);
            assertThat(target.getStatus().healthyReplicas()).isEqualTo(3);
            assertThat(target.getStatus().portal()).isEqualTo(status.targetPortal());
            assertThat(harness.replicasOf("pvc-1")).hasSize(3)
                    .allSatisfy(r -> assertThat(r.getStatus().phase()).isEqualTo(ReplicaPhase.HEALTHY));
        });
    }

    @Test
    void theTargetsReadyConditionNamesAReplicaThatReadsSpare() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-2");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        String slow = harness.replicasOf("pvc-1").getFirst().getMetadata().getName();

        harness.engines().target("pvc-1").slowDown(slow);

        await().atMost(WAIT).untilAsserted(() -> assertThat(condition(harness.target("pvc-1").getStatus()
                .conditions(), "Ready").getMessage()).isEqualTo("3 of 3 replicas healthy; reads spare " + slow
                        + ", much slower than the others"));
    }

    @Test
    void replicasAreCreatedOnTheirPoolsUnderTheirOwnNamesWithTheVolumesReplicaSecret() {
        harness.givenPools(3);

        harness.createClaim("pvc-1", "node-1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        Secret secret = harness.client().secrets().inNamespace(NS).withName("pvc-1-chap").get();
        assertThat(secret.getData()).containsKeys(ChapSecret.USERNAME, ChapSecret.PASSWORD, ChapSecret.REPLICA_SECRET);
        String replicaSecret = decode(secret.getData().get(ChapSecret.REPLICA_SECRET));
        assertThat(replicaSecret).hasSizeGreaterThanOrEqualTo(32);
        for (VolumeReplica replica : harness.replicasOf("pvc-1")) {
            var onPool = harness.engines().pool(replica.getSpec().pool()).replica(replica.getMetadata().getName());
            assertThat(onPool.sizeBytes()).isEqualTo(GIB);
            assertThat(new String(onPool.secret(), StandardCharsets.UTF_8)).isEqualTo(replicaSecret);
        }
    }

    @Test
    void targetPodNamesEachReplicaAtItsPoolsClusterIpAndReadsSecretsFromTheEnvironment() {
        harness.givenPools(3);

        harness.createClaim("pvc-1", "node-2");

        await().atMost(WAIT).until(() -> harness.deployment("target-pvc-1") != null);
        var container = harness.deployment("target-pvc-1").getSpec().getTemplate().getSpec().getContainers().getFirst();
        List<String> expected = harness.replicasOf("pvc-1").stream().map(r -> r.getMetadata().getName() + "@"
                + poolIp(r.getSpec().pool()) + ":9500").toList();
        assertThat(replicaArgs(container.getArgs())).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(container.getArgs()).contains("--consistency-factor", "2", "--mgmt", "0.0.0.0:9502");
        assertThat(container.getEnv()).extracting(e -> e.getName())
                .contains("BASALT_CHAP_USER", "BASALT_CHAP_SECRET", "BASALT_REPLICA_SECRET");
        String secretText = decode(harness.client().secrets().inNamespace(NS).withName("pvc-1-chap").get().getData()
                .get(ChapSecret.REPLICA_SECRET));
        assertThat(String.join(" ", container.getArgs())).doesNotContain(secretText);
        Deployment server = harness.deployment("target-pvc-1");
        assertThat(server.getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution().getFirst().getPreference()
                .getMatchExpressions().getFirst().getValues()).containsExactly("node-2");
    }

    @Test
    void notEnoughPoolsSaysWhichPoolsAndWhyAndAnAddedPoolLetsItBind() {
        harness.givenPools(2);
        await().atMost(WAIT).until(() -> harness.all(StoragePool.class).size() == 2
                && harness.all(StoragePool.class).stream().allMatch(VolumeReplicaReconciler::online));

        harness.createClaim("pvc-1", "node-1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getReason()).isEqualTo("NotEnoughPools"));
        assertThat(ready("pvc-1").getMessage())
                .contains("needs 3 pools on distinct nodes with 1Gi free; found 2")
                .contains("fast-p1 on node-1: 100Gi free").contains("fast-p2 on node-2: 100Gi free")
                .contains("add pools to pool cluster fast");
        assertThat(phase("pvc-1")).isEqualTo(VolumePhase.PENDING);
        assertThat(harness.eventReasons()).contains("NotEnoughPools");

        harness.givenPools(3);

        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
    }

    @Test
    void offlinePoolIsNamedWithItsReasonWhenPlacementPassesItOver() {
        harness.givenPools(3);
        await().atMost(WAIT).until(() -> harness.all(StoragePool.class).stream().filter(VolumeReplicaReconciler::online)
                .count() == 3);
        harness.engines().stopPool("fast-p3");
        await().atMost(WAIT).until(() -> !VolumeReplicaReconciler.online(harness.pool("fast-p3")));

        harness.createClaim("pvc-1", "node-1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(ready("pvc-1").getMessage()).contains("fast-p3 on node-3: offline"));
    }

    @Test
    void restartedOperatorConvergesWithoutDuplicates() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> !harness.replicasOf("pvc-1").isEmpty());

        harness.stopOperator();
        harness.startOperator();

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        assertThat(harness.replicasOf("pvc-1")).hasSize(3);
        assertThat(harness.replicasOnPools()).hasSize(3);
        assertThat(harness.all(VolumeTarget.class)).hasSize(1);
        assertThat(harness.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("pool-fast-p1", "pool-fast-p2", "pool-fast-p3", "target-pvc-1");
        assertThat(harness.all(Service.class)).extracting(s -> s.getMetadata().getName())
                .containsExactlyInAnyOrder("pool-fast-p1", "pool-fast-p2", "pool-fast-p3", "target-pvc-1");
        assertThat(harness.all(Secret.class)).hasSize(1);
    }

    @Test
    void grownClaimGrowsItsTargetAndReplicasAndReportsTheNewCapacity() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));

        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1")
                .edit(c -> {
                    c.setSpec(c.getSpec().withCapacityBytes(2 * GIB));
                    return c;
                });

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.claim("pvc-1").getStatus().capacityBytes()).isEqualTo(2 * GIB);
            assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "Resizing").getReason())
                    .isEqualTo("Resized");
        });
        assertThat(harness.engines().target("pvc-1").capacityBytes()).isEqualTo(2 * GIB);
        assertThat(harness.target("pvc-1").getSpec().capacityBytes()).isEqualTo(2 * GIB);
        for (VolumeReplica replica : harness.replicasOf("pvc-1")) {
            assertThat(replica.getSpec().capacityBytes()).isEqualTo(2 * GIB);
            assertThat(harness.engines().pool(replica.getSpec().pool()).replica(replica.getMetadata().getName())
                    .sizeBytes()).isEqualTo(2 * GIB);
        }
        assertThat(harness.eventReasons()).contains("Resizing");
    }

    @Test
    void aGrowthThatEndedWhileTheOperatorWasDownIsReportedAsResized() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        harness.stopOperator();
        growWithoutTheOperator("pvc-1", 2 * GIB);

        harness.startOperator();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.claim("pvc-1").getStatus().capacityBytes()).isEqualTo(2 * GIB);
            assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "Resizing").getReason())
                    .isEqualTo("Resized");
        });
    }

    @Test
    void deletingTheClaimRemovesEverythingItMadeAndTheReplicaData() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));

        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1").delete();

        await().atMost(WAIT).untilAsserted(this::nothingOfTheVolumeIsLeft);
    }

    @Test
    void deletedVolumeKeepsItsReplicasUntilItsTargetPodHasStopped() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        Pod stopping = harness.client().pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName("target-pvc-1-abc").withNamespace(NS)
                    .withLabels(harness.deployment("target-pvc-1").getSpec().getTemplate().getMetadata().getLabels())
                .endMetadata().build()).create();

        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1").delete();

        await().atMost(WAIT).until(() -> harness.deployment("target-pvc-1") == null && harness.target("pvc-1") == null);
        assertThat(harness.replicasOf("pvc-1")).hasSize(3);
        assertThat(harness.replicasOnPools()).hasSize(3);

        harness.client().resource(stopping).delete();

        await().atMost(WAIT).untilAsserted(this::nothingOfTheVolumeIsLeft);
    }

    @Test
    void deletingAVolumeWithASnapshotKeepsItsReplicasUntilTheSnapshotIsGone() {
        harness.givenPools(3);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("pvc-1")).isEqualTo(VolumePhase.BOUND));
        SnapshotsAndClonesTest.snapshot(harness, "snap-1", "pvc-1");
        await().atMost(WAIT).until(() -> SnapshotsAndClonesTest.readyToUse(harness, "snap-1"));

        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1").delete();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "Deleting").getReason())
                    .isEqualTo("KeptForSnapshots");
            assertThat(harness.deployment("target-pvc-1")).isNull();
        });
        assertThat(harness.replicasOnPools()).hasSize(3);

        harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName("snap-1").delete();

        await().atMost(WAIT).untilAsserted(this::nothingOfTheVolumeIsLeft);
    }

    /**
     * Grows the claim, its target and replicas in the API and the LUN behind them, with the
     * operator stopped: as if it had grown them all and stopped before it looked at the claim again.
     */
    private void growWithoutTheOperator(String volume, long capacityBytes) {
        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName(volume).edit(c -> {
            c.setSpec(c.getSpec().withCapacityBytes(capacityBytes));
            return c;
        });
        for (VolumeReplica replica : harness.replicasOf(volume)) {
            harness.client().resource(replica).edit(r -> {
                VolumeReplicaSpec spec = r.getSpec();
                r.setSpec(new VolumeReplicaSpec(spec.volume(), spec.pool(), capacityBytes, spec.cloneOf()));
                return r;
            });
        }
        VolumeTarget target = harness.client().resource(harness.target(volume)).edit(t -> {
            VolumeTargetSpec spec = t.getSpec();
            t.setSpec(new VolumeTargetSpec(spec.volume(), spec.iqn(), capacityBytes, spec.replicationFactor(),
                    spec.consistencyFactor(), spec.replicas(), spec.nodeName(), spec.chapSecretName()));
            return t;
        });
        harness.engines().target(volume).resizeTarget(
                ResizeTargetRequest.newBuilder().setCapacityBytes(capacityBytes).build(), new NoAnswer<>());
        harness.client().resource(target).editStatus(t -> {
            VolumeTargetStatus status = t.getStatus();
            t.setStatus(new VolumeTargetStatus(status.observedGeneration(), status.conditions(), status.phase(),
                    status.portal(), capacityBytes, status.epoch(), status.healthyReplicas(), status.replicas()));
            return t;
        });
    }

    /** An observer for calls made to a fake directly, whose answer the test does not need. */
    private static final class NoAnswer<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {
        }

        @Override
        public void onError(Throwable error) {
            throw new AssertionError(error);
        }

        @Override
        public void onCompleted() {
        }
    }

    private void nothingOfTheVolumeIsLeft() {
        assertThat(harness.all(VolumeClaim.class)).isEmpty();
        assertThat(harness.all(VolumeReplica.class)).isEmpty();
        assertThat(harness.all(VolumeTarget.class)).isEmpty();
        assertThat(harness.all(BlockSnapshot.class)).isEmpty();
        assertThat(harness.all(Deployment.class)).extracting(d -> d.getMetadata().getName())
                .allMatch(name -> name.startsWith("pool-"));
        assertThat(harness.all(Service.class)).extracting(s -> s.getMetadata().getName())
                .allMatch(name -> name.startsWith("pool-"));
        assertThat(harness.all(Secret.class)).isEmpty();
        assertThat(harness.replicasOnPools()).isEmpty();
    }

    private String poolIp(String pool) {
        return harness.client().services().inNamespace(NS).withName("pool-" + pool).get().getSpec().getClusterIP();
    }

    private static List<String> replicaArgs(List<String> args) {
        return java.util.stream.IntStream.range(0, args.size() - 1)
                .filter(i -> args.get(i).equals("--replica"))
                .mapToObj(i -> args.get(i + 1))
                .toList();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private VolumePhase phase(String name) {
        VolumeClaim claim = harness.claim(name);
        return claim.getStatus() == null ? null : claim.getStatus().phase();
    }

    private io.fabric8.kubernetes.api.model.Condition ready(String name) {
        VolumeClaim claim = harness.claim(name);
        assertThat(claim.getStatus()).isNotNull();
        return condition(claim.getStatus().conditions(), "Ready");
    }
}
