package io.basalt.driver.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetSpec;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.csi.v1.ControllerGetVolumeRequest;
import io.basalt.csi.v1.ControllerGetVolumeResponse;
import io.basalt.csi.v1.ListVolumesRequest;
import io.basalt.csi.v1.ListVolumesResponse;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeCondition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ListVolumes, ControllerGetVolume and ValidateVolumeCapabilities. */
class VolumeCatalogTest extends ControllerFixture {

    @Test
    void listPagesThroughAllVolumesWithTokens() {
        for (int i = 1; i <= 3; i++) {
            controller.createVolume(createRequest("pvc-" + i).build());
        }

        ListVolumesResponse first = controller.listVolumes(ListVolumesRequest.newBuilder().setMaxEntries(2).build());
        ListVolumesResponse rest = controller.listVolumes(ListVolumesRequest.newBuilder()
                .setStartingToken(first.getNextToken()).build());

        assertThat(ids(first)).containsExactly("pvc-1", "pvc-2");
        assertThat(ids(rest)).containsExactly("pvc-3");
        assertThat(rest.getNextToken()).isEmpty();
    }

    @Test
    void listShowsTheNodeAVolumeIsPublishedOn() {
        controller.createVolume(createRequest("pvc-1").build());
        controller.createVolume(createRequest("pvc-2").build());
        recordConsumer("pvc-2", "node-3");

        ListVolumesResponse response = controller.listVolumes(ListVolumesRequest.getDefaultInstance());

        assertThat(response.getEntries(0).getStatus().getPublishedNodeIdsList()).isEmpty();
        assertThat(response.getEntries(1).getStatus().getPublishedNodeIdsList()).containsExactly("node-3");
    }

    @Test
    void listWithATokenNotIssuedByUsIsAborted() {
        assertFailsWith(Status.Code.ABORTED, "starting_token",
                () -> controller.listVolumes(ListVolumesRequest.newBuilder().setStartingToken("Bad Token").build()));
    }

    @Test
    void getVolumeOfAHealthyTargetIsNormal() {
        givenBoundVolumeWithTarget("pvc-1", TargetPhase.HEALTHY, 3);

        VolumeCondition condition = getVolume("pvc-1").getStatus().getVolumeCondition();

        assertThat(condition.getAbnormal()).isFalse();
        assertThat(condition.getMessage()).contains("3 of 3 replicas healthy");
    }

    @Test
    void getVolumeOfADegradedTargetIsAbnormalAndSaysHowMany() {
        givenBoundVolumeWithTarget("pvc-1", TargetPhase.DEGRADED, 2);

        VolumeCondition condition = getVolume("pvc-1").getStatus().getVolumeCondition();

        assertThat(condition.getAbnormal()).isTrue();
        assertThat(condition.getMessage()).contains("degraded: 2 of 3 replicas healthy");
    }

    @Test
    void getVolumeOfAnOfflineTargetIsAbnormal() {
        givenBoundVolumeWithTarget("pvc-1", TargetPhase.OFFLINE, 1);

        VolumeCondition condition = getVolume("pvc-1").getStatus().getVolumeCondition();

        assertThat(condition.getAbnormal()).isTrue();
        assertThat(condition.getMessage()).contains("offline");
    }

    @Test
    void getVolumeOfAFailedClaimIsAbnormalWithTheOperatorsReason() {
        controller.createVolume(createRequest("pvc-1").build());
        setClaimStatus("pvc-1", VolumePhase.FAILED, "CloneSourceGone", "snapshot snap-1 was deleted");

        VolumeCondition condition = getVolume("pvc-1").getStatus().getVolumeCondition();

        assertThat(condition.getAbnormal()).isTrue();
        assertThat(condition.getMessage()).contains("CloneSourceGone: snapshot snap-1 was deleted");
    }

    @Test
    void getVolumeOfAPendingClaimSaysWhatItWaitsFor() {
        controller.createVolume(createRequest("pvc-1").build());
        setClaimStatus("pvc-1", VolumePhase.PENDING, "WaitingForConsumer", "no node has staged the volume yet");

        VolumeCondition condition = getVolume("pvc-1").getStatus().getVolumeCondition();

        assertThat(condition.getAbnormal()).isFalse();
        assertThat(condition.getMessage()).contains("WaitingForConsumer");
    }

    @Test
    void getVolumeOfAMissingVolumeIsNotFound() {
        assertFailsWith(Status.Code.NOT_FOUND, "volume pvc-9 does not exist", () -> getVolume("pvc-9"));
    }

    @Test
    void matchingCapabilitiesAreConfirmed() {
        controller.createVolume(createRequest("pvc-1").build());

        ValidateVolumeCapabilitiesResponse response = controller.validateVolumeCapabilities(
                validate("pvc-1", mount("ext4")).putParameters("poolCluster", "fast").build());

        assertThat(response.hasConfirmed()).isTrue();
        assertThat(response.getConfirmed().getVolumeCapabilitiesList()).containsExactly(mount("ext4"));
    }

    @Test
    void otherFileSystemIsNotConfirmedAndSaysWhy() {
        controller.createVolume(createRequest("pvc-1").build());

        ValidateVolumeCapabilitiesResponse response = controller.validateVolumeCapabilities(
                validate("pvc-1", mount("xfs")).build());

        assertThat(response.hasConfirmed()).isFalse();
        assertThat(response.getMessage()).contains("formatted EXT4, not xfs");
    }

    @Test
    void blockUseOfAFileSystemVolumeIsNotConfirmed() {
        controller.createVolume(createRequest("pvc-1").build());

        ValidateVolumeCapabilitiesResponse response = controller.validateVolumeCapabilities(
                validate("pvc-1", block()).build());

        assertThat(response.hasConfirmed()).isFalse();
        assertThat(response.getMessage()).contains("cannot be used as a raw block device");
    }

    @Test
    void multiNodeAccessIsNotConfirmed() {
        controller.createVolume(createRequest("pvc-1").build());
        VolumeCapability shared = mount("ext4").toBuilder()
                .setAccessMode(accessMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_READER_ONLY)).build();

        ValidateVolumeCapabilitiesResponse response = controller.validateVolumeCapabilities(
                validate("pvc-1", shared).build());

        assertThat(response.hasConfirmed()).isFalse();
        assertThat(response.getMessage()).contains("one node at a time");
    }

    @Test
    void otherPoolClusterIsNotConfirmed() {
        controller.createVolume(createRequest("pvc-1").build());

        ValidateVolumeCapabilitiesResponse response = controller.validateVolumeCapabilities(
                validate("pvc-1", mount("ext4")).putParameters("poolCluster", "slow").build());

        assertThat(response.hasConfirmed()).isFalse();
        assertThat(response.getMessage()).contains("pool cluster fast");
    }

    @Test
    void validatingAMissingVolumeIsNotFound() {
        assertFailsWith(Status.Code.NOT_FOUND, "does not exist",
                () -> controller.validateVolumeCapabilities(validate("pvc-9", mount("ext4")).build()));
    }

    @Test
    void validatingWithoutCapabilitiesIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "volume_capabilities is required",
                () -> controller.validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest.newBuilder()
                        .setVolumeId("pvc-1").build()));
    }

    private ControllerGetVolumeResponse getVolume(String id) {
        return controller.controllerGetVolume(ControllerGetVolumeRequest.newBuilder().setVolumeId(id).build());
    }

    private static ValidateVolumeCapabilitiesRequest.Builder validate(String id, VolumeCapability capability) {
        return ValidateVolumeCapabilitiesRequest.newBuilder().setVolumeId(id).addVolumeCapabilities(capability);
    }

    private void givenBoundVolumeWithTarget(String id, TargetPhase phase, int healthy) {
        controller.createVolume(createRequest(id).build());
        setClaimStatus(id, VolumePhase.BOUND, "Bound", "served by " + id);
        VolumeTarget target = new VolumeTarget();
        target.setMetadata(new ObjectMetaBuilder().withName(id).build());
        target.setSpec(new VolumeTargetSpec(id, "iqn.2026-01.io.basalt:" + id, GIB, 3, 2, List.of(), null, null));
        target = cluster.create(target);
        target.setStatus(new VolumeTargetStatus(1L, null, phase, "10.0.0.1:3260", GIB, 1L, healthy, List.of()));
        kubernetes.resource(target).updateStatus();
    }

    private void setClaimStatus(String id, VolumePhase phase, String reason, String message) {
        VolumeClaim claim = cluster.volumeClaim(id).orElseThrow();
        claim.setStatus(new VolumeClaimStatus(1L, List.of(new ConditionBuilder().withType("Ready")
                .withStatus(phase == VolumePhase.BOUND ? "True" : "False").withReason(reason).withMessage(message)
                .build()), phase, GIB, null, null, null, id));
        kubernetes.resource(claim).updateStatus();
    }


    private static List<String> ids(ListVolumesResponse response) {
        return response.getEntriesList().stream().map(e -> e.getVolume().getVolumeId()).toList();
    }
}
