package io.basalt.operator.volume;

import static io.basalt.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaStatus;
import io.basalt.operator.OperatorHarness;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplicaReplacementTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private OperatorHarness harness;
    private VolumeReplica lost;

    @BeforeEach
    void startWithAHealthyVolumeAndASparePool() {
        harness = new OperatorHarness();
        startWithAHealthyVolumeAndASparePoolOn(harness);
    }

    private void startWithAHealthyVolumeAndASparePoolOn(OperatorHarness harness) {
        harness.givenPools(4);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> {
            VolumeClaim claim = harness.claim("pvc-1");
            return claim.getStatus() != null && claim.getStatus().phase() == VolumePhase.BOUND
                    && harness.target("pvc-1").getStatus().phase() == TargetPhase.HEALTHY;
        });
        lost = harness.replicasOf("pvc-1").getFirst();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void poolGoingOfflineShowsTheVolumeDegradedWithinSeconds() {
        harness.engines().target("pvc-1").holdRebuilds();

        harness.engines().stopPool(lost.getSpec().pool());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var target = harness.target("pvc-1").getStatus();
            assertThat(target.phase()).isEqualTo(TargetPhase.DEGRADED);
            assertThat(target.healthyReplicas()).isEqualTo(2);
            assertThat(target.replicas()).filteredOn(r -> r.replica().equals(lost.getMetadata().getName()))
                    .singleElement().satisfies(r -> assertThat(r.mode()).isEqualTo(ReplicaPhase.OFFLINE));
            assertThat(harness.replica(lost.getMetadata().getName()).getStatus().phase()).isEqualTo(ReplicaPhase.OFFLINE);
        });
        assertThat(harness.claim("pvc-1").getStatus().phase()).isEqualTo(VolumePhase.BOUND);
    }

    @Test
    void replacementIsPlacedOnTheSparePoolRebuildsAndTakesTheLostReplicasPlace() {
        harness.engines().target("pvc-1").holdRebuilds();
        Set<String> used = harness.replicasOf("pvc-1").stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());

        harness.engines().stopPool(lost.getSpec().pool());

        await().atMost(WAIT).untilAsserted(() -> {
            VolumeReplica successor = successor();
            assertThat(used).doesNotContain(successor.getSpec().pool());
            assertThat(successor.getStatus()).as("the successor's status").isNotNull();
            assertThat(successor.getStatus().phase()).isEqualTo(ReplicaPhase.REBUILDING);
            assertThat(condition(harness.target("pvc-1").getStatus().conditions(), "Ready").getReason())
                    .isEqualTo("Rebuilding");
            assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "ReplacingReplicas").getMessage())
                    .contains("rebuilding " + successor.getMetadata().getName());
        });

        harness.engines().target("pvc-1").releaseRebuilds();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.replica(lost.getMetadata().getName())).isNull();
            assertThat(harness.target("pvc-1").getStatus().phase()).isEqualTo(TargetPhase.HEALTHY);
            assertThat(harness.target("pvc-1").getStatus().healthyReplicas()).isEqualTo(3);
            assertThat(harness.replicasOf("pvc-1")).hasSize(3)
                    .allSatisfy(r -> assertThat(r.getStatus()).extracting(VolumeReplicaStatus::phase)
                            .isEqualTo(ReplicaPhase.HEALTHY));
        });
        List<String> targetPools = harness.target("pvc-1").getSpec().replicas().stream().map(ReplicaEndpoint::pool).toList();
        assertThat(targetPools).hasSize(3).doesNotContain(lost.getSpec().pool());
        assertThat(harness.engines().target("pvc-1").memberNames()).doesNotContain(lost.getMetadata().getName())
                .contains(successor().getMetadata().getName());
        assertThat(harness.eventReasons()).contains("ReplacementPlaced", "ReplicaAdded", "ReplicaRemoved",
                "ReplicaRetired", "ReplicaReplaced");
        assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "ReplacingReplicas").getStatus())
                .isEqualTo("False");
    }

    @Test
    void replacementLeavesTheServingTargetRunningWithItsPodTemplateUnchanged() {
        PodTemplateSpec before = harness.deployment("target-pvc-1").getSpec().getTemplate();
        int startsBefore = harness.engines().targetStarts("pvc-1");

        harness.engines().stopPool(lost.getSpec().pool());

        awaitReplaced();
        assertThat(harness.engines().target("pvc-1").memberNames())
                .containsExactlyInAnyOrderElementsOf(specReplicaNames());
        assertThat(harness.deployment("target-pvc-1").getSpec().getTemplate()).isEqualTo(before);
        assertThat(harness.engines().targetStarts("pvc-1")).isEqualTo(startsBefore);
    }

    @Test
    void targetRestartedWithStaleArgumentsGetsItsMembersThroughTheManagementApi() {
        harness.engines().stopPool(lost.getSpec().pool());
        awaitReplaced();
        PodTemplateSpec stale = harness.deployment("target-pvc-1").getSpec().getTemplate();
        assertThat(stale.getSpec().getContainers().getFirst().getArgs())
                .anyMatch(a -> a.startsWith(lost.getMetadata().getName() + "@"));

        harness.engines().restartTarget("pvc-1");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.engines().target("pvc-1").memberNames())
                    .containsExactlyInAnyOrderElementsOf(specReplicaNames());
            assertThat(harness.target("pvc-1").getStatus().phase()).isEqualTo(TargetPhase.HEALTHY);
        });
        assertThat(harness.deployment("target-pvc-1").getSpec().getTemplate()).isEqualTo(stale);
        // once for the replacement, once after the restart
        assertThat(timesRecorded("ReplicaAdded")).isEqualTo(2);
        assertThat(timesRecorded("ReplicaRemoved")).isEqualTo(2);
    }

    @Test
    void offlineTargetRestartedWithStaleArgumentsIsStartedAgainWithTheCurrentReplicas() {
        harness.engines().stopPool(lost.getSpec().pool());
        awaitReplaced();
        String successor = successor().getMetadata().getName();
        VolumeReplica second = harness.replicasOf("pvc-1").stream()
                .filter(r -> !r.getMetadata().getName().equals(successor)).findFirst().orElseThrow();
        harness.engines().stopPool(second.getSpec().pool());
        await().atMost(WAIT).until(() -> harness.target("pvc-1").getStatus().phase() == TargetPhase.DEGRADED);
        int startsBefore = harness.engines().targetStarts("pvc-1");

        // Of the replicas it started with, only one is left: the volume cannot open on them.
        harness.engines().restartTarget("pvc-1");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.deployment("target-pvc-1").getSpec().getTemplate().getSpec().getContainers()
                    .getFirst().getArgs()).anyMatch(a -> a.startsWith(successor + "@"))
                    .noneMatch(a -> a.startsWith(lost.getMetadata().getName() + "@"));
            assertThat(harness.engines().targetStarts("pvc-1")).isEqualTo(startsBefore + 2);
            assertThat(harness.target("pvc-1").getStatus().phase()).isEqualTo(TargetPhase.DEGRADED);
        });
        assertThat(harness.eventReasons()).contains("TargetServerUpdated");
    }

    @Test
    void lostReplicasDataIsDeletedWhenItsPoolReturns() {
        harness.engines().stopPool(lost.getSpec().pool());
        await().atMost(WAIT).until(() -> harness.replica(lost.getMetadata().getName()) == null);
        assertThat(harness.engines().pool(lost.getSpec().pool()).replicaNames()).contains(lost.getMetadata().getName());

        harness.engines().startPool(lost.getSpec().pool());

        await().atMost(WAIT).untilAsserted(() -> assertThat(harness.engines().pool(lost.getSpec().pool()).replicaNames())
                .doesNotContain(lost.getMetadata().getName()));
        assertThat(harness.eventReasons()).contains("UnclaimedReplicaDeleted");
    }

    @Test
    void poolBackWithinTheGracePeriodKeepsItsReplica() {
        harness.close();
        harness = new OperatorHarness(Duration.ofHours(1));
        startWithAHealthyVolumeAndASparePoolOn(harness);
        harness.engines().stopPool(lost.getSpec().pool());
        await().atMost(WAIT).until(() -> harness.target("pvc-1").getStatus().phase() == TargetPhase.DEGRADED);

        harness.engines().startPool(lost.getSpec().pool());

        await().atMost(WAIT).until(() -> harness.target("pvc-1").getStatus().phase() == TargetPhase.HEALTHY);
        assertThat(harness.replica(lost.getMetadata().getName())).isNotNull();
        assertThat(harness.replicasOf("pvc-1")).hasSize(3);
    }

    private void awaitReplaced() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.replica(lost.getMetadata().getName())).isNull();
            assertThat(harness.target("pvc-1").getStatus().phase()).isEqualTo(TargetPhase.HEALTHY);
            assertThat(harness.target("pvc-1").getSpec().replicas()).hasSize(3);
        });
    }

    private int timesRecorded(String reason) {
        return harness.client().v1().events().inNamespace(OperatorHarness.NS).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason())).mapToInt(Event::getCount).sum();
    }

    private List<String> specReplicaNames() {
        return harness.target("pvc-1").getSpec().replicas().stream().map(ReplicaEndpoint::replica).toList();
    }

    private VolumeReplica successor() {
        return harness.replicasOf("pvc-1").stream()
                .filter(r -> r.getMetadata().getAnnotations() != null
                        && lost.getMetadata().getName().equals(r.getMetadata().getAnnotations().get("basalt.io/replaces")))
                .findFirst().orElseThrow(() -> new AssertionError("no successor of " + lost.getMetadata().getName()));
    }
}
