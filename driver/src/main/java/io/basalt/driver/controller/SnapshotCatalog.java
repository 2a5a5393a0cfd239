package io.basalt.driver.controller;

import com.google.protobuf.Timestamp;
import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.BlockSnapshotSpec;
import io.basalt.api.v1alpha1.BlockSnapshotStatus;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.csi.v1.CreateSnapshotRequest;
import io.basalt.csi.v1.ListSnapshotsRequest;
import io.basalt.csi.v1.ListSnapshotsResponse;
import io.basalt.csi.v1.Snapshot;
import io.basalt.driver.kube.BasaltCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;

/** CreateSnapshot, DeleteSnapshot and ListSnapshots through BlockSnapshot resources. */
final class SnapshotCatalog {

    private final BasaltCluster cluster;

    SnapshotCatalog(BasaltCluster cluster) {
        this.cluster = cluster;
    }

    String idFor(CreateSnapshotRequest request) {
        if (request.getName().isEmpty()) {
            throw CsiErrors.invalidArgument("name is required");
        }
        return ResourceNames.forCsiName("snap", request.getName());
    }

    /** The snapshot, created if new; the orchestrator calls again until it is ready to use. */
    Snapshot create(String id, CreateSnapshotRequest request) {
        if (request.getSourceVolumeId().isEmpty()) {
            throw CsiErrors.invalidArgument("source_volume_id is required");
        }
        if (!request.getParametersMap().isEmpty()) {
            throw CsiErrors.invalidArgument("snapshot parameters " + request.getParametersMap().keySet()
                    + " are not supported; VolumeSnapshotClasses for Basalt take none");
        }
        VolumeClaim source = Lookup.existingVolume(cluster, request.getSourceVolumeId());
        BlockSnapshot snapshot = cluster.snapshot(id)
                .map(existing -> reuse(existing, request))
                .orElseGet(() -> createSnapshot(id, request));
        if (snapshot.getStatus() != null && snapshot.getStatus().error() != null) {
            throw CsiErrors.failedPrecondition("snapshot " + id + " of volume " + request.getSourceVolumeId()
                    + " failed: " + snapshot.getStatus().error());
        }
        return toCsi(snapshot, source.getSpec().capacityBytes());
    }

    void delete(String snapshotId) {
        if (snapshotId.isEmpty()) {
            throw CsiErrors.invalidArgument("snapshot_id is required");
        }
        Lookup.snapshot(cluster, snapshotId).ifPresent(s -> cluster.delete(BlockSnapshot.class, snapshotId));
    }

    ListSnapshotsResponse list(ListSnapshotsRequest request) {
        List<BlockSnapshot> matching;
        if (!request.getSnapshotId().isEmpty()) {
            matching = Lookup.snapshot(cluster, request.getSnapshotId()).stream().toList();
        } else {
            matching = cluster.list(BlockSnapshot.class);
        }
        if (!request.getSourceVolumeId().isEmpty()) {
            matching = matching.stream()
                    .filter(s -> s.getSpec().sourceVolume().equals(request.getSourceVolumeId()))
                    .toList();
        }
        Pages.Page<BlockSnapshot> page = Pages.of(matching, s -> s.getMetadata().getName(),
                request.getMaxEntries(), request.getStartingToken());
        ListSnapshotsResponse.Builder response = ListSnapshotsResponse.newBuilder().setNextToken(page.nextToken());
        page.entries().forEach(s -> response.addEntriesBuilder().setSnapshot(toCsi(s, sourceSize(s))));
        return response.build();
    }

    private long sourceSize(BlockSnapshot snapshot) {
        return cluster.volumeClaim(snapshot.getSpec().sourceVolume())
                .map(v -> v.getSpec().capacityBytes())
                .orElse(0L);
    }

    private BlockSnapshot reuse(BlockSnapshot existing, CreateSnapshotRequest request) {
        if (!existing.getSpec().sourceVolume().equals(request.getSourceVolumeId())) {
            throw CsiErrors.alreadyExists("snapshot " + request.getName() + " already exists for volume "
                    + existing.getSpec().sourceVolume() + ", not " + request.getSourceVolumeId());
        }
        return existing;
    }

    private BlockSnapshot createSnapshot(String id, CreateSnapshotRequest request) {
        BlockSnapshot snapshot = new BlockSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder()
                .withName(id)
                .withNamespace(cluster.namespace())
                .addToAnnotations(ResourceNames.CSI_NAME_ANNOTATION, request.getName())
                .build());
        snapshot.setSpec(new BlockSnapshotSpec(request.getSourceVolumeId()));
        return cluster.createOrAdopt(snapshot, existing -> reuse(existing, request));
    }

    /** The snapshot as CSI reports it; until the operator reports a size, the source's size stands in. */
    private static Snapshot toCsi(BlockSnapshot snapshot, long sourceSize) {
        BlockSnapshotStatus status = snapshot.getStatus();
        long size = status != null && status.sizeBytes() != null ? status.sizeBytes() : sourceSize;
        String created = status != null && status.creationTime() != null ? status.creationTime()
                : snapshot.getMetadata().getCreationTimestamp();
        Snapshot.Builder csi = Snapshot.newBuilder()
                .setSnapshotId(snapshot.getMetadata().getName())
                .setSourceVolumeId(snapshot.getSpec().sourceVolume())
                .setSizeBytes(size)
                .setReadyToUse(status != null && Boolean.TRUE.equals(status.readyToUse()));
        if (created != null) {
            Instant instant = Instant.parse(created);
            csi.setCreationTime(Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()));
        }
        return csi.build();
    }
}
