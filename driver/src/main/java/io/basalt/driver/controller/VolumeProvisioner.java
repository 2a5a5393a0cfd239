package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumeSource;
import io.basalt.csi.v1.ControllerExpandVolumeRequest;
import io.basalt.csi.v1.ControllerExpandVolumeResponse;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.Volume;
import io.basalt.csi.v1.VolumeContentSource;
import io.basalt.driver.kube.BasaltCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CreateVolume, DeleteVolume and ControllerExpandVolume: each writes the VolumeClaim and returns;
 * the operator does the provisioning, resizing and deleting in the background.
 */
final class VolumeProvisioner {

    private final BasaltCluster cluster;
    private final Topologies topologies;

    VolumeProvisioner(BasaltCluster cluster, Topologies topologies) {
        this.cluster = cluster;
        this.topologies = topologies;
    }

    Volume create(CreateVolumeRequest request) {
        if (request.getName().isEmpty()) {
            throw CsiErrors.invalidArgument("name is required");
        }
        if (!request.getMutableParamsMap().isEmpty()) {
            throw CsiErrors.invalidArgument("mutable_parameters are not supported: Basalt volumes cannot be modified");
        }
        RequestedVolume requested = requestedVolume(request);
        topologies.validate(request.getAccessibilityRequirements());
        String id = ResourceNames.forCsiName("vol", request.getName());
        VolumeClaim claim = cluster.volumeClaim(id)
                .map(existing -> reuse(existing, request, requested))
                .orElseGet(() -> createClaim(id, request, requested));
        return Volume.newBuilder()
                .setVolumeId(id)
                .setCapacityBytes(claim.getSpec().capacityBytes())
                .putAllVolumeContext(volumeContext(claim.getSpec()))
                .addAllAccessibleTopology(topologies.accessibleFrom(request.getAccessibilityRequirements()))
                .mergeFrom(contentSource(request))
                .build();
    }

    void delete(String volumeId) {
        if (volumeId.isEmpty()) {
            throw CsiErrors.invalidArgument("volume_id is required");
        }
        Lookup.volume(cluster, volumeId).ifPresent(claim -> {
            String node = claim.getSpec().nodeName();
            if (node != null && !node.isEmpty()) {
                throw CsiErrors.failedPrecondition("volume " + volumeId + " is still staged on node " + node
                        + "; it can be deleted once that node has unstaged it");
            }
            cluster.delete(VolumeClaim.class, volumeId);
        });
    }

    ControllerExpandVolumeResponse expand(ControllerExpandVolumeRequest request) {
        if (request.getVolumeId().isEmpty()) {
            throw CsiErrors.invalidArgument("volume_id is required");
        }
        if (!request.hasCapacityRange()) {
            throw CsiErrors.invalidArgument("capacity_range is required");
        }
        if (request.hasVolumeCapability()) {
            String problem = Capabilities.problemWith(request.getVolumeCapability());
            if (problem != null) {
                throw CsiErrors.invalidArgument(problem);
            }
        }
        VolumeClaim claim = Lookup.existingVolume(cluster, request.getVolumeId());
        long current = claim.getSpec().capacityBytes();
        long wanted = CapacityPolicy.sizeFor(request.getCapacityRange());
        if (wanted < current) {
            if (CapacityPolicy.satisfies(current, request.getCapacityRange())) {
                wanted = current;
            } else {
                throw CsiErrors.outOfRange("volume " + request.getVolumeId() + " has " + current
                        + " bytes; volumes can grow but never shrink");
            }
        }
        if (wanted > current) {
            claim.setSpec(claim.getSpec().withCapacityBytes(wanted));
            cluster.update(claim);
        }
        VolumeMode mode = request.hasVolumeCapability()
                ? (request.getVolumeCapability().hasBlock() ? VolumeMode.BLOCK : VolumeMode.FILESYSTEM)
                : claim.getSpec().volumeMode();
        return ControllerExpandVolumeResponse.newBuilder()
                .setCapacityBytes(wanted)
                .setNodeExpansionRequired(mode != VolumeMode.BLOCK)
                .build();
    }

    static Map<String, String> volumeContext(VolumeClaimSpec spec) {
        return Map.of(StorageClassParameters.POOL_CLUSTER, spec.poolCluster(),
                StorageClassParameters.REPLICA_COUNT, Integer.toString(spec.effectiveReplicaCount()));
    }

    private RequestedVolume requestedVolume(CreateVolumeRequest request) {
        Capabilities.Requested capabilities = Capabilities.of(request.getVolumeCapabilitiesList());
        StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap());
        long capacity = CapacityPolicy.sizeFor(request.getCapacityRange());
        FsType fsType = null;
        if (capabilities.volumeMode() == VolumeMode.FILESYSTEM) {
            fsType = capabilities.fsType() != null ? capabilities.fsType()
                    : parameters.fsType() != null ? parameters.fsType() : FsType.EXT4;
        }
        VolumeSource source = cloneSource(request, parameters.poolCluster(), capacity);
        return new RequestedVolume(capacity, parameters.poolCluster(), parameters.replicaCount(),
                capabilities.volumeMode(), fsType, source);
    }

    /** The clone source, checked: it exists, lives on the same pools, and fits in the new volume. */
    private VolumeSource cloneSource(CreateVolumeRequest request, String poolCluster, long capacity) {
        if (!request.hasVolumeContentSource()) {
            return null;
        }
        VolumeContentSource source = request.getVolumeContentSource();
        switch (source.getTypeCase()) {
            case SNAPSHOT -> {
                String snapshotId = source.getSnapshot().getSnapshotId();
                BlockSnapshot snapshot = Lookup.snapshot(cluster, snapshotId)
                        .orElseThrow(() -> CsiErrors.notFound("source snapshot " + snapshotId + " does not exist"));
                if (snapshot.getStatus() != null && snapshot.getStatus().error() != null) {
                    throw CsiErrors.failedPrecondition("source snapshot " + snapshotId + " failed: "
                            + snapshot.getStatus().error());
                }
                if (snapshot.getStatus() != null && snapshot.getStatus().sizeBytes() != null
                        && capacity < snapshot.getStatus().sizeBytes()) {
                    throw CsiErrors.outOfRange("a clone of snapshot " + snapshotId + " needs at least "
                            + snapshot.getStatus().sizeBytes() + " bytes; " + capacity + " were asked for");
                }
                cluster.volumeClaim(snapshot.getSpec().sourceVolume())
                        .ifPresent(origin -> requireSamePools(origin, poolCluster, "snapshot " + snapshotId));
                return new VolumeSource(snapshotId, null);
            }
            case VOLUME -> {
                String volumeId = source.getVolume().getVolumeId();
                VolumeClaim origin = Lookup.volume(cluster, volumeId)
                        .orElseThrow(() -> CsiErrors.notFound("source volume " + volumeId + " does not exist"));
                if (capacity < origin.getSpec().capacityBytes()) {
                    throw CsiErrors.outOfRange("a clone of volume " + volumeId + " needs at least "
                            + origin.getSpec().capacityBytes() + " bytes; " + capacity + " were asked for");
                }
                requireSamePools(origin, poolCluster, "volume " + volumeId);
                return new VolumeSource(null, volumeId);
            }
            default -> throw CsiErrors.invalidArgument("volume_content_source must name a snapshot or a volume");
        }
    }

    private static void requireSamePools(VolumeClaim origin, String poolCluster, String what) {
        if (!origin.getSpec().poolCluster().equals(poolCluster)) {
            throw CsiErrors.invalidArgument("a clone lives on the pools of its source: " + what + " is on pool cluster "
                    + origin.getSpec().poolCluster() + ", not " + poolCluster);
        }
    }

    private VolumeClaim reuse(VolumeClaim existing, CreateVolumeRequest request, RequestedVolume requested) {
        String createdFor = existing.getMetadata().getAnnotations() == null ? null
                : existing.getMetadata().getAnnotations().get(ResourceNames.CSI_NAME_ANNOTATION);
        if (createdFor != null && !createdFor.equals(request.getName())) {
            throw CsiErrors.alreadyExists("volume id " + existing.getMetadata().getName()
                    + " already belongs to the volume named '" + createdFor + "'");
        }
        List<String> conflicts = new ArrayList<>(requested.conflictsWith(existing.getSpec()));
        if (!CapacityPolicy.satisfies(existing.getSpec().capacityBytes(), request.getCapacityRange())) {
            conflicts.add("capacityBytes " + existing.getSpec().capacityBytes() + " (requested " + requested.capacityBytes() + ")");
        }
        if (!conflicts.isEmpty()) {
            throw CsiErrors.alreadyExists("volume " + request.getName() + " already exists with different parameters: "
                    + String.join(", ", conflicts));
        }
        return existing;
    }

    private VolumeClaim createClaim(String id, CreateVolumeRequest request, RequestedVolume requested) {
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder()
                .withName(id)
                .withNamespace(cluster.namespace())
                .addToAnnotations(ResourceNames.CSI_NAME_ANNOTATION, request.getName())
                .build());
        claim.setSpec(requested.toSpec());
        return cluster.createOrAdopt(claim, existing -> reuse(existing, request, requested));
    }

    private static Volume contentSource(CreateVolumeRequest request) {
        return request.hasVolumeContentSource()
                ? Volume.newBuilder().setContentSource(request.getVolumeContentSource()).build()
                : Volume.getDefaultInstance();
    }
}
