package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * One replica as its target sees it.
 *
 * @param replica the VolumeReplica's name
 * @param address host:port the target reaches it at
 * @param mode Healthy, Degraded, Rebuilding or Offline
 * @param lagWrites how many acknowledged writes the replica does not hold yet
 * @param rebuildProgressPercent how far a rebuild has come
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ReplicaState(
        String replica,
        String address,
        ReplicaPhase mode,
        Long lagWrites,
        @Min(0) @Max(100) Integer rebuildProgressPercent) {
}
