package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.csi.v1.ControllerGetVolumeResponse;
import io.basalt.csi.v1.ListVolumesRequest;
import io.basalt.csi.v1.ListVolumesResponse;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.basalt.csi.v1.Volume;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeCondition;
import io.basalt.driver.kube.BasaltCluster;
import java.util.List;
import java.util.Optional;

/** ListVolumes, ControllerGetVolume and ValidateVolumeCapabilities: what the cluster says of volumes. */
final class VolumeCatalog {

    private final BasaltCluster cluster;

    VolumeCatalog(BasaltCluster cluster) {
        this.cluster = cluster;
    }

    ListVolumesResponse list(ListVolumesRequest request) {
        Pages.Page<VolumeClaim> page = Pages.of(cluster.list(VolumeClaim.class), c -> c.getMetadata().getName(),
                request.getMaxEntries(), request.getStartingToken());
        ListVolumesResponse.Builder response = ListVolumesResponse.newBuilder().setNextToken(page.nextToken());
        for (VolumeClaim claim : page.entries()) {
            response.addEntriesBuilder()
                    .setVolume(toCsi(claim))
                    .getStatusBuilder()
                    .addAllPublishedNodeIds(publishedNodes(claim))
                    .setVolumeCondition(condition(claim));
        }
        return response.build();
    }

    ControllerGetVolumeResponse get(String volumeId) {
        if (volumeId.isEmpty()) {
            throw CsiErrors.invalidArgument("volume_id is required");
        }
        VolumeClaim claim = Lookup.existingVolume(cluster, volumeId);
        return ControllerGetVolumeResponse.newBuilder()
                .setVolume(toCsi(claim))
                .setStatus(ControllerGetVolumeResponse.VolumeStatus.newBuilder()
                        .addAllPublishedNodeIds(publishedNodes(claim))
                        .setVolumeCondition(condition(claim)))
                .build();
    }

    ValidateVolumeCapabilitiesResponse validate(ValidateVolumeCapabilitiesRequest request) {
        if (request.getVolumeId().isEmpty()) {
            throw CsiErrors.invalidArgument("volume_id is required");
        }
        if (request.getVolumeCapabilitiesCount() == 0) {
            throw CsiErrors.invalidArgument("volume_capabilities is required");
        }
        VolumeClaimSpec spec = Lookup.existingVolume(cluster, request.getVolumeId()).getSpec();
        Optional<String> problem = request.getVolumeCapabilitiesList().stream()
                .map(capability -> problemWith(capability, spec))
                .flatMap(Optional::stream)
                .findFirst()
                .or(() -> problemWithParameters(request, spec));
        if (problem.isPresent()) {
            return ValidateVolumeCapabilitiesResponse.newBuilder().setMessage(problem.get()).build();
        }
        return ValidateVolumeCapabilitiesResponse.newBuilder()
                .setConfirmed(ValidateVolumeCapabilitiesResponse.Confirmed.newBuilder()
                        .putAllVolumeContext(request.getVolumeContextMap())
                        .addAllVolumeCapabilities(request.getVolumeCapabilitiesList())
                        .putAllParameters(request.getParametersMap()))
                .build();
    }

    private static Optional<String> problemWith(VolumeCapability capability, VolumeClaimSpec spec) {
        String problem = Capabilities.problemWith(capability);
        if (problem != null) {
            return Optional.of(problem);
        }
        VolumeMode mode = spec.volumeMode() == null ? VolumeMode.FILESYSTEM : spec.volumeMode();
        if (capability.hasBlock() != (mode == VolumeMode.BLOCK)) {
            return Optional.of("the volume is a " + (mode == VolumeMode.BLOCK ? "raw block device" : "file system")
                    + " and cannot be used as a " + (capability.hasBlock() ? "raw block device" : "file system"));
        }
        String fsType = capability.hasMount() ? capability.getMount().getFsType() : "";
        FsType has = spec.fsType() == null ? FsType.EXT4 : spec.fsType();
        if (!fsType.isBlank() && FileSystems.parse(fsType) != has) {
            return Optional.of("the volume is formatted " + has + ", not " + fsType);
        }
        return Optional.empty();
    }

    private static Optional<String> problemWithParameters(ValidateVolumeCapabilitiesRequest request,
                                                          VolumeClaimSpec spec) {
        if (!request.getMutableParamsMap().isEmpty()) {
            return Optional.of("Basalt volumes have no mutable parameters");
        }
        if (request.getParametersMap().isEmpty()) {
            return Optional.empty();
        }
        StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap());
        if (!parameters.poolCluster().equals(spec.poolCluster())
                || parameters.replicaCount() != spec.effectiveReplicaCount()) {
            return Optional.of("the volume lives on pool cluster " + spec.poolCluster() + " with "
                    + spec.effectiveReplicaCount() + " replicas, not " + parameters.poolCluster() + " with "
                    + parameters.replicaCount());
        }
        return Optional.empty();
    }

    private static Volume toCsi(VolumeClaim claim) {
        return Volume.newBuilder()
                .setVolumeId(claim.getMetadata().getName())
                .setCapacityBytes(claim.getSpec().capacityBytes())
                .putAllVolumeContext(VolumeProvisioner.volumeContext(claim.getSpec()))
                .build();
    }

    private static List<String> publishedNodes(VolumeClaim claim) {
        String node = claim.getSpec().nodeName();
        return node == null || node.isEmpty() ? List.of() : List.of(node);
    }

    /** Abnormal when the volume failed, or its target serves degraded or not at all. */
    private VolumeCondition condition(VolumeClaim claim) {
        VolumePhase phase = claim.getStatus() == null ? VolumePhase.PENDING : claim.getStatus().phase();
        if (phase == VolumePhase.FAILED) {
            return abnormal("provisioning failed: " + readyMessage(claim));
        }
        if (phase != VolumePhase.BOUND) {
            return VolumeCondition.newBuilder().setMessage("pending: " + readyMessage(claim)).build();
        }
        String targetName = claim.getStatus().volumeTarget() != null ? claim.getStatus().volumeTarget()
                : claim.getMetadata().getName();
        Optional<VolumeTargetStatus> target = cluster.volumeTarget(targetName).map(VolumeTarget::getStatus);
        if (target.isEmpty()) {
            return abnormal("the volume's target " + targetName + " is missing");
        }
        TargetPhase targetPhase = target.get().phase();
        String replicas = target.get().healthyReplicas() + " of " + claim.getSpec().effectiveReplicaCount()
                + " replicas healthy";
        return switch (targetPhase == null ? TargetPhase.INIT : targetPhase) {
            case HEALTHY -> VolumeCondition.newBuilder().setMessage("healthy: " + replicas).build();
            case DEGRADED -> abnormal("degraded: " + replicas + "; writes continue while a quorum is healthy");
            case REBUILDING -> abnormal("rebuilding: " + replicas + "; the others copy what they lack while writes"
                    + " continue");
            case OFFLINE -> abnormal("offline: " + replicas + "; writes are refused until a quorum is back");
            case INIT -> VolumeCondition.newBuilder().setMessage("target starting").build();
        };
    }

    private static VolumeCondition abnormal(String message) {
        return VolumeCondition.newBuilder().setAbnormal(true).setMessage(message).build();
    }

    private static String readyMessage(VolumeClaim claim) {
        if (claim.getStatus() == null || claim.getStatus().conditions() == null) {
            return "not yet seen by the operator";
        }
        return claim.getStatus().conditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .map(c -> c.getReason() + ": " + c.getMessage())
                .findFirst()
                .orElse("not yet seen by the operator");
    }
}
