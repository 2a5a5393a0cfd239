package io.basalt.driver.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.ControllerExpandVolumeRequest;
import io.basalt.csi.v1.ControllerExpandVolumeResponse;
import io.basalt.csi.v1.DeleteVolumeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** DeleteVolume and ControllerExpandVolume. */
class VolumeLifecycleTest extends ControllerFixture {

    @Test
    void deleteRemovesTheVolumeClaim() {
        controller.createVolume(createRequest("pvc-1").build());

        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("pvc-1").build());

        assertThat(cluster.volumeClaim("pvc-1")).isEmpty();
    }

    @Test
    void deletingAVolumeThatIsGoneSucceeds() {
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("pvc-9").build());
        controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("Not An Id!").build());
    }

    @Test
    void deleteWithoutIdIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "volume_id is required",
                () -> controller.deleteVolume(DeleteVolumeRequest.getDefaultInstance()));
    }

    @Test
    void deletingAVolumeStagedOnANodeIsRefusedNamingTheNode() {
        controller.createVolume(createRequest("pvc-1").build());
        recordConsumer("pvc-1", "node-7");

        assertFailsWith(Status.Code.FAILED_PRECONDITION, "still staged on node node-7",
                () -> controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("pvc-1").build()));
        assertThat(cluster.volumeClaim("pvc-1")).isPresent();
    }

    @Test
    void expandRaisesTheClaimsCapacityAndAsksForNodeExpansionOfAFileSystem() {
        controller.createVolume(createRequest("pvc-1").build());

        ControllerExpandVolumeResponse response = controller.controllerExpandVolume(expand("pvc-1", 2 * GIB));

        assertThat(response.getCapacityBytes()).isEqualTo(2 * GIB);
        assertThat(response.getNodeExpansionRequired()).isTrue();
        assertThat(cluster.volumeClaim("pvc-1").orElseThrow().getSpec().capacityBytes()).isEqualTo(2 * GIB);
    }

    @Test
    void expandingARawBlockVolumeNeedsNoNodeExpansion() {
        controller.createVolume(createRequest("pvc-1").clearVolumeCapabilities().addVolumeCapabilities(block()).build());

        ControllerExpandVolumeResponse response = controller.controllerExpandVolume(expand("pvc-1", 2 * GIB));

        assertThat(response.getNodeExpansionRequired()).isFalse();
    }

    @Test
    void expandingToTheCurrentSizeAgainIsANoOp() {
        controller.createVolume(createRequest("pvc-1").build());
        controller.controllerExpandVolume(expand("pvc-1", 2 * GIB));
        String version = cluster.volumeClaim("pvc-1").orElseThrow().getMetadata().getResourceVersion();

        ControllerExpandVolumeResponse again = controller.controllerExpandVolume(expand("pvc-1", 2 * GIB));

        assertThat(again.getCapacityBytes()).isEqualTo(2 * GIB);
        assertThat(cluster.volumeClaim("pvc-1").orElseThrow().getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void shrinkingIsOutOfRange() {
        controller.createVolume(createRequest("pvc-1")
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * GIB)).build());

        assertFailsWith(Status.Code.OUT_OF_RANGE, "can grow but never shrink",
                () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                        .setVolumeId("pvc-1")
                        .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB).setLimitBytes(GIB))
                        .build()));
    }

    @Test
    void expandingAMissingVolumeIsNotFound() {
        assertFailsWith(Status.Code.NOT_FOUND, "volume pvc-9 does not exist",
                () -> controller.controllerExpandVolume(expand("pvc-9", GIB)));
    }

    @Test
    void expandWithoutCapacityIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "capacity_range is required",
                () -> controller.controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                        .setVolumeId("pvc-1").build()));
    }

    @Test
    void expandKeepsTheConsumerNode() {
        controller.createVolume(createRequest("pvc-1").build());
        recordConsumer("pvc-1", "node-7");

        controller.controllerExpandVolume(expand("pvc-1", 2 * GIB));

        assertThat(cluster.volumeClaim("pvc-1").orElseThrow().getSpec().nodeName()).isEqualTo("node-7");
    }

    @Test
    void expandWithACapabilityBasaltCannotOfferIsInvalid() {
        controller.createVolume(createRequest("pvc-1").build());
        VolumeCapability shared = mount("ext4").toBuilder()
                .setAccessMode(accessMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)).build();

        assertFailsWith(Status.Code.INVALID_ARGUMENT, "one node at a time",
                () -> controller.controllerExpandVolume(expand("pvc-1", 2 * GIB).toBuilder()
                        .setVolumeCapability(shared).build()));
    }

    @Test
    void expandWhileAnotherOperationRunsOnTheVolumeIsAborted() {
        controller.createVolume(createRequest("pvc-1").build());

        try (var busy = inFlight.claim("volume/pvc-1")) {
            assertFailsWith(Status.Code.ABORTED, "already in progress",
                    () -> controller.controllerExpandVolume(expand("pvc-1", 2 * GIB)));
        }
    }

    @Test
    void deleteWhileAnotherOperationRunsOnTheVolumeIsAborted() {
        controller.createVolume(createRequest("pvc-1").build());

        try (var busy = inFlight.claim("volume/pvc-1")) {
            assertFailsWith(Status.Code.ABORTED, "already in progress",
                    () -> controller.deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId("pvc-1").build()));
        }
    }

    static ControllerExpandVolumeRequest expand(String volumeId, long bytes) {
        return ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes))
                .build();
    }

}
