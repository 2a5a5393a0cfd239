package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A validated CreateVolume request, in the terms of a VolumeClaim.
 *
 * @param capacityBytes the size the volume gets
 * @param poolCluster the StoragePoolCluster to place replicas on
 * @param replicaCount RF
 * @param volumeMode file system or raw block
 * @param fsType the file system for a Filesystem volume, else null
 * @param source the snapshot or volume to clone, or null
 */
record RequestedVolume(long capacityBytes, String poolCluster, int replicaCount, VolumeMode volumeMode,
                       FsType fsType, VolumeSource source) {

    VolumeClaimSpec toSpec() {
        return new VolumeClaimSpec(capacityBytes, poolCluster, replicaCount, volumeMode, fsType, source, null);
    }

    /** What differs between this request and an existing claim's spec; empty when they agree. */
    List<String> conflictsWith(VolumeClaimSpec existing) {
        List<String> conflicts = new ArrayList<>();
        compare(conflicts, "poolCluster", poolCluster, existing.poolCluster());
        compare(conflicts, "replicaCount", replicaCount, existing.effectiveReplicaCount());
        compare(conflicts, "volumeMode", volumeMode, existing.volumeMode() == null ? VolumeMode.FILESYSTEM
                : existing.volumeMode());
        if (volumeMode == VolumeMode.FILESYSTEM) {
            compare(conflicts, "fsType", fsType, existing.fsType() == null ? FsType.EXT4 : existing.fsType());
        }
        compare(conflicts, "source", source, existing.source());
        return conflicts;
    }

    private static void compare(List<String> conflicts, String field, Object requested, Object existing) {
        if (!Objects.equals(requested, existing)) {
            conflicts.add(field + " " + existing + " (requested " + requested + ")");
        }
    }
}
