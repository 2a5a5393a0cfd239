package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready, and why not
 * @param phase Init, Healthy, Degraded, Rebuilding, Offline or Error
 * @param capacityBytes the size the pool serves
 * @param usedBytes the space the replica's own layers occupy
 * @param rebuildProgressPercent how far a rebuild has come
 * @param snapshots the snapshots the replica holds
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VolumeReplicaStatus(
        Long observedGeneration,
        List<Condition> conditions,
        ReplicaPhase phase,
        Long capacityBytes,
        Long usedBytes,
        @Min(0) @Max(100) Integer rebuildProgressPercent,
        List<ReplicaSnapshot> snapshots) {
}
