package io.basalt.operator.volume;

import static io.basalt.operator.OperatorHarness.GIB;
import static io.basalt.operator.OperatorHarness.NS;
import static io.basalt.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.BlockSnapshotSpec;
import io.basalt.api.v1alpha1.SnapshotLayer;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.operator.OperatorHarness;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotsAndClonesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private OperatorHarness harness;

    @BeforeEach
    void startWithABoundVolume() {
        harness = new OperatorHarness();
        harness.givenPools(4);
        harness.createClaim("pvc-1", "node-1");
        await().atMost(WAIT).until(() -> bound("pvc-1"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void snapshotIsTakenOnEveryHealthyReplicaAndRecordsItsLayers() {
        snapshot(harness, "snap-1", "pvc-1");

        await().atMost(WAIT).until(() -> readyToUse(harness, "snap-1"));
        var status = harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName("snap-1").get().getStatus();
        assertThat(status.sizeBytes()).isEqualTo(GIB);
        assertThat(status.creationTime()).isNotBlank();
        assertThat(status.layers()).extracting(SnapshotLayer::replica).containsExactlyInAnyOrderElementsOf(
                harness.replicasOf("pvc-1").stream().map(r -> r.getMetadata().getName()).toList());
        for (VolumeReplica replica : harness.replicasOf("pvc-1")) {
            assertThat(harness.engines().pool(replica.getSpec().pool()).replica(replica.getMetadata().getName())
                    .snapshots()).containsKey("snap-1");
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(harness.replicasOf("pvc-1"))
                .allSatisfy(r -> assertThat(r.getStatus().snapshots()).extracting(s -> s.name()).containsExactly("snap-1")));
    }

    @Test
    void snapshotOfAMissingVolumeSaysSo() {
        snapshot(harness, "snap-x", "pvc-none");

        await().atMost(WAIT).untilAsserted(() -> {
            var status = harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName("snap-x").get().getStatus();
            assertThat(status.readyToUse()).isFalse();
            assertThat(condition(status.conditions(), "Ready").getReason()).isEqualTo("SourceMissing");
            assertThat(status.error()).contains("pvc-none");
        });
    }

    @Test
    void cloneIsPlacedOnThePoolsOfTheSnapshotsLayersAndStartsFromThem() {
        snapshot(harness, "snap-1", "pvc-1");
        await().atMost(WAIT).until(() -> readyToUse(harness, "snap-1"));

        harness.createClaim("clone-1", "node-2", "snap-1");

        await().atMost(WAIT).until(() -> bound("clone-1"));
        Map<String, VolumeReplica> sources = harness.replicasOf("pvc-1").stream()
                .collect(Collectors.toMap(r -> r.getSpec().pool(), Function.identity()));
        assertThat(harness.replicasOf("clone-1")).hasSize(3).allSatisfy(clone -> {
            VolumeReplica source = sources.get(clone.getSpec().pool());
            assertThat(source).isNotNull();
            assertThat(clone.getSpec().cloneOf()).isEqualTo(new SnapshotLayer(source.getMetadata().getName(), "snap-1"));
            assertThat(harness.engines().pool(clone.getSpec().pool()).replica(clone.getMetadata().getName()).cloneOf())
                    .isEqualTo(source.getMetadata().getName() + "@snap-1");
        });
    }

    @Test
    void snapshotWithACloneKeepsItsLayersUntilTheCloneIsGoneAndThenNothingIsLeft() {
        snapshot(harness, "snap-1", "pvc-1");
        await().atMost(WAIT).until(() -> readyToUse(harness, "snap-1"));
        harness.createClaim("clone-1", "node-2", "snap-1");
        await().atMost(WAIT).until(() -> bound("clone-1"));

        harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName("snap-1").delete();
        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("pvc-1").delete();

        await().atMost(WAIT).untilAsserted(() -> {
            BlockSnapshot kept = harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName("snap-1").get();
            assertThat(condition(kept.getStatus().conditions(), "Deleting").getReason()).isEqualTo("KeptForClones");
            assertThat(condition(kept.getStatus().conditions(), "Deleting").getMessage()).contains("clone-1");
            assertThat(condition(harness.claim("pvc-1").getStatus().conditions(), "Deleting").getReason())
                    .isEqualTo("KeptForSnapshots");
        });
        for (VolumeReplica replica : harness.replicasOf("pvc-1")) {
            assertThat(harness.engines().pool(replica.getSpec().pool()).replica(replica.getMetadata().getName())
                    .snapshots()).containsKey("snap-1");
        }

        harness.client().resources(VolumeClaim.class).inNamespace(NS).withName("clone-1").delete();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(harness.all(VolumeClaim.class)).isEmpty();
            assertThat(harness.all(BlockSnapshot.class)).isEmpty();
            assertThat(harness.all(VolumeReplica.class)).isEmpty();
            assertThat(harness.all(VolumeTarget.class)).isEmpty();
            assertThat(harness.all(Secret.class)).isEmpty();
            assertThat(harness.replicasOnPools()).isEmpty();
        });
    }

    static void snapshot(OperatorHarness harness, String name, String volume) {
        BlockSnapshot snapshot = new BlockSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
        snapshot.setSpec(new BlockSnapshotSpec(volume));
        harness.client().resource(snapshot).create();
    }

    static boolean readyToUse(OperatorHarness harness, String name) {
        BlockSnapshot snapshot = harness.client().resources(BlockSnapshot.class).inNamespace(NS).withName(name).get();
        return snapshot.getStatus() != null && Boolean.TRUE.equals(snapshot.getStatus().readyToUse());
    }

    private boolean bound(String name) {
        VolumeClaim claim = harness.claim(name);
        return claim.getStatus() != null && claim.getStatus().phase() == VolumePhase.BOUND;
    }
}
