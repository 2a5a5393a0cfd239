package io.basalt.driver.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.BlockSnapshotSpec;
import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumeSource;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.Topology;
import io.basalt.csi.v1.TopologyRequirement;
import io.basalt.csi.v1.Volume;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeContentSource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class CreateVolumeTest extends ControllerFixture {

    @Test
    void writesAPendingVolumeClaimAndReturnsAtOnce() {
        Volume volume = controller.createVolume(createRequest("pvc-1").build()).getVolume();

        assertThat(volume.getVolumeId()).isEqualTo("pvc-1");
        assertThat(volume.getCapacityBytes()).isEqualTo(GIB);
        assertThat(volume.getVolumeContextMap()).containsEntry("poolCluster", "fast").containsEntry("replicaCount", "3");
        VolumeClaim claim = cluster.volumeClaim("pvc-1").orElseThrow();
        assertThat(claim.getSpec().capacityBytes()).isEqualTo(GIB);
        assertThat(claim.getSpec().poolCluster()).isEqualTo("fast");
        assertThat(claim.getSpec().replicaCount()).isEqualTo(3);
        assertThat(claim.getSpec().volumeMode()).isEqualTo(VolumeMode.FILESYSTEM);
        assertThat(claim.getSpec().fsType()).isEqualTo(FsType.EXT4);
        assertThat(claim.getSpec().nodeName()).isNull();
        assertThat(claim.getStatus()).as("the operator, not the driver, writes status").isNull();
    }

    @Test
    void repeatingTheSameRequestReturnsTheSameVolume() {
        Volume first = controller.createVolume(createRequest("pvc-1").build()).getVolume();

        Volume second = controller.createVolume(createRequest("pvc-1").build()).getVolume();

        assertThat(second).isEqualTo(first);
        assertThat(cluster.list(VolumeClaim.class)).hasSize(1);
    }

    @Test
    void sameNameWithOtherParametersIsAlreadyExists() {
        controller.createVolume(createRequest("pvc-1").build());

        assertFailsWith(Status.Code.ALREADY_EXISTS, "replicaCount 3 (requested 2)",
                () -> controller.createVolume(createRequest("pvc-1").putParameters("replicaCount", "2").build()));
    }

    @Test
    void sameNameWithACapacityTheVolumeDoesNotSatisfyIsAlreadyExists() {
        controller.createVolume(createRequest("pvc-1").build());

        assertFailsWith(Status.Code.ALREADY_EXISTS, "capacityBytes",
                () -> controller.createVolume(createRequest("pvc-1")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * GIB)).build()));
    }

    @Test
    void capacityIsRoundedUpToWholeMebibytes() {
        Volume volume = controller.createVolume(createRequest("pvc-1")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB + 1)).build()).getVolume();

        assertThat(volume.getCapacityBytes()).isEqualTo(GIB + MIB);
    }

    @Test
    void capacityIsRoundedDownWhenTheLimitAllowsNoMore() {
        Volume volume = controller.createVolume(createRequest("pvc-1")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB + 1).setLimitBytes(GIB + MIB + 5))
                .build()).getVolume();

        assertThat(volume.getCapacityBytes()).isEqualTo(GIB + MIB);
    }

    @Test
    void openCapacityRangeGivesOneGibibyte() {
        Volume volume = controller.createVolume(createRequest("pvc-1").clearCapacityRange().build()).getVolume();

        assertThat(volume.getCapacityBytes()).isEqualTo(GIB);
    }

    @Test
    void rangeWithNoWholeMebibyteIsOutOfRange() {
        assertFailsWith(Status.Code.OUT_OF_RANGE, "no size in whole MiB",
                () -> controller.createVolume(createRequest("pvc-1")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB + 1).setLimitBytes(GIB + 2))
                        .build()));
    }

    @Test
    void limitBelowRequiredIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "at least",
                () -> controller.createVolume(createRequest("pvc-1")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * GIB).setLimitBytes(GIB))
                        .build()));
    }

    @Test
    void negativeCapacityIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "must not be negative",
                () -> controller.createVolume(createRequest("pvc-1")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(-1)).build()));
    }

    @Test
    void missingNameIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "name is required",
                () -> controller.createVolume(createRequest("").build()));
    }

    @Test
    void missingCapabilitiesAreInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "volume_capabilities is required",
                () -> controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities().build()));
    }

    @Test
    void multiNodeAccessIsInvalidWithTheReason() {
        VolumeCapability shared = mount("ext4").toBuilder()
                .setAccessMode(accessMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)).build();

        assertFailsWith(Status.Code.INVALID_ARGUMENT, "attached to one node at a time",
                () -> controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities()
                        .addVolumeCapabilities(shared).build()));
    }

    @Test
    void unsupportedFileSystemIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "file system 'btrfs' is not supported",
                () -> controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities()
                        .addVolumeCapabilities(mount("btrfs")).build()));
    }

    @Test
    void blockAndMountTogetherAreInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "either a file system or a raw block device",
                () -> controller.createVolume(createRequest("pvc-1").addVolumeCapabilities(block()).build()));
    }

    @Test
    void blockCapabilityMakesABlockVolumeWithoutFileSystem() {
        controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities().addVolumeCapabilities(block()).build());

        VolumeClaim claim = cluster.volumeClaim("pvc-1").orElseThrow();
        assertThat(claim.getSpec().volumeMode()).isEqualTo(VolumeMode.BLOCK);
        assertThat(claim.getSpec().fsType()).isNull();
    }

    @Test
    void fsTypeComesFromTheCapabilityBeforeTheParameter() {
        controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities().addVolumeCapabilities(mount("xfs"))
                .putParameters("csi.storage.k8s.io/fstype", "ext4").build());

        assertThat(cluster.volumeClaim("pvc-1").orElseThrow().getSpec().fsType()).isEqualTo(FsType.XFS);
    }

    @Test
    void fsTypeParameterAppliesWhenTheCapabilityNamesNone() {
        controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities().addVolumeCapabilities(mount(""))
                .putParameters("csi.storage.k8s.io/fstype", "xfs").build());

        assertThat(cluster.volumeClaim("pvc-1").orElseThrow().getSpec().fsType()).isEqualTo(FsType.XFS);
    }

    @Test
    void missingPoolClusterIsInvalidAndSaysWhatToSet() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "poolCluster is required",
                () -> controller.createVolume(createRequest("pvc-1").clearParameters().build()));
    }

    @Test
    void replicaCountOutsideOneToFiveIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "1 to 5, not '6'",
                () -> controller.createVolume(createRequest("pvc-1").putParameters("replicaCount", "6").build()));
    }

    @Test
    void unknownParameterIsInvalidAndListsTheKnownOnes() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "unknown StorageClass parameters [replicas]",
                () -> controller.createVolume(createRequest("pvc-1").putParameters("replicas", "3").build()));
    }

    @Test
    void sidecarParametersAreAccepted() {
        controller.createVolume(createRequest("pvc-1").putParameters("csi.storage.k8s.io/pvc/name", "data").build());

        assertThat(cluster.volumeClaim("pvc-1")).isPresent();
    }

    @Test
    void mutableParametersAreInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "mutable_parameters are not supported",
                () -> controller.createVolume(createRequest("pvc-1").putMutableParams("iops", "9").build()));
    }

    @Test
    void nameThatIsNoKubernetesNameGetsAStableHashedId() {
        CreateVolumeRequest request = createRequest("Data Volume #1").build();

        String first = controller.createVolume(request).getVolume().getVolumeId();
        String second = controller.createVolume(request).getVolume().getVolumeId();

        assertThat(first).matches("vol-[0-9a-f]{24}").isEqualTo(second);
        assertThat(cluster.volumeClaim(first).orElseThrow().getMetadata().getAnnotations())
                .containsEntry("basalt.io/csi-name", "Data Volume #1");
    }

    @Test
    void requiredTopologiesAreReportedAsAccessible() {
        Topology node1 = Topology.newBuilder().putSegments("topology.basalt.io/node", "node-1").build();
        Topology node2 = Topology.newBuilder().putSegments("topology.basalt.io/node", "node-2").build();

        Volume volume = controller.createVolume(createRequest("pvc-1").setAccessibilityRequirements(
                TopologyRequirement.newBuilder().addRequisite(node1).addRequisite(node2).addPreferred(node2))
                .build()).getVolume();

        assertThat(volume.getAccessibleTopologyList()).containsExactly(node1, node2);
    }

    @Test
    void foreignTopologyKeyIsInvalid() {
        Topology zone = Topology.newBuilder().putSegments("topology.kubernetes.io/zone", "a").build();

        assertFailsWith(Status.Code.INVALID_ARGUMENT, "topology key topology.kubernetes.io/zone is not Basalt's",
                () -> controller.createVolume(createRequest("pvc-1").setAccessibilityRequirements(
                        TopologyRequirement.newBuilder().addRequisite(zone)).build()));
    }

    @Test
    void snapshotSourceMakesACloneOfThatSnapshot() {
        controller.createVolume(createRequest("pvc-1").build());
        createSnapshotResource("snap-1", "pvc-1");
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId("snap-1")).build();

        Volume clone = controller.createVolume(createRequest("pvc-2").setVolumeContentSource(source).build())
                .getVolume();

        assertThat(clone.getContentSource()).isEqualTo(source);
        assertThat(cluster.volumeClaim("pvc-2").orElseThrow().getSpec().source())
                .isEqualTo(new VolumeSource("snap-1", null));
    }

    @Test
    void volumeSourceMakesACloneOfThatVolume() {
        controller.createVolume(createRequest("pvc-1").build());
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setVolume(VolumeContentSource.VolumeSource.newBuilder().setVolumeId("pvc-1")).build();

        controller.createVolume(createRequest("pvc-2").setVolumeContentSource(source).build());

        assertThat(cluster.volumeClaim("pvc-2").orElseThrow().getSpec().source())
                .isEqualTo(new VolumeSource(null, "pvc-1"));
    }

    @Test
    void missingSourceSnapshotIsNotFound() {
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId("snap-9")).build();

        assertFailsWith(Status.Code.NOT_FOUND, "source snapshot snap-9 does not exist",
                () -> controller.createVolume(createRequest("pvc-2").setVolumeContentSource(source).build()));
    }

    @Test
    void missingSourceVolumeIsNotFound() {
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setVolume(VolumeContentSource.VolumeSource.newBuilder().setVolumeId("pvc-9")).build();

        assertFailsWith(Status.Code.NOT_FOUND, "source volume pvc-9 does not exist",
                () -> controller.createVolume(createRequest("pvc-2").setVolumeContentSource(source).build()));
    }

    @Test
    void cloneSmallerThanItsSourceIsOutOfRange() {
        controller.createVolume(createRequest("pvc-1")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * GIB)).build());
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setVolume(VolumeContentSource.VolumeSource.newBuilder().setVolumeId("pvc-1")).build();

        assertFailsWith(Status.Code.OUT_OF_RANGE, "needs at least " + 2 * GIB,
                () -> controller.createVolume(createRequest("pvc-2").setVolumeContentSource(source).build()));
    }

    @Test
    void cloneOnOtherPoolsThanItsSourceIsInvalid() {
        controller.createVolume(createRequest("pvc-1").build());
        VolumeContentSource source = VolumeContentSource.newBuilder()
                .setVolume(VolumeContentSource.VolumeSource.newBuilder().setVolumeId("pvc-1")).build();

        assertFailsWith(Status.Code.INVALID_ARGUMENT, "a clone lives on the pools of its source",
                () -> controller.createVolume(createRequest("pvc-2").putParameters("poolCluster", "slow")
                        .setVolumeContentSource(source).build()));
    }

    @Test
    void concurrentCallForTheSameNameIsAborted() {
        try (var busy = inFlight.claim("volume/pvc-1")) {
            assertFailsWith(Status.Code.ABORTED, "already in progress",
                    () -> controller.createVolume(createRequest("pvc-1").build()));
        }
    }

    private void createSnapshotResource(String name, String source) {
        BlockSnapshot snapshot = new BlockSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName(name).build());
        snapshot.setSpec(new BlockSnapshotSpec(source));
        cluster.create(snapshot);
    }
}
