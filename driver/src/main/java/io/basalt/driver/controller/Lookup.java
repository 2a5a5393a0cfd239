package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.driver.kube.BasaltCluster;
import java.util.Optional;

/** Finds resources by CSI id; an id that no resource of ours can have finds nothing. */
final class Lookup {

    private Lookup() {
    }

    static Optional<VolumeClaim> volume(BasaltCluster cluster, String volumeId) {
        return ResourceNames.isValidId(volumeId) ? cluster.volumeClaim(volumeId) : Optional.empty();
    }

    static Optional<BlockSnapshot> snapshot(BasaltCluster cluster, String snapshotId) {
        return ResourceNames.isValidId(snapshotId) ? cluster.snapshot(snapshotId) : Optional.empty();
    }

    static VolumeClaim existingVolume(BasaltCluster cluster, String volumeId) {
        return volume(cluster, volumeId).orElseThrow(() -> CsiErrors.notFound("volume " + volumeId + " does not exist"));
    }
}
