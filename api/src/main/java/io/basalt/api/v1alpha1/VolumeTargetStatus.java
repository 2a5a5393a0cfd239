package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready, and why not (for example fewer than CF healthy replicas)
 * @param phase Init, Healthy, Degraded, Rebuilding or Offline
 * @param portal host:port initiators log in to
 * @param capacityBytes the size the LUN serves now
 * @param epoch the replica-set epoch, raised on every change of the write set
 * @param healthyReplicas how many replicas are in the write set and up to date
 * @param replicas what the target knows of each replica
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VolumeTargetStatus(
        Long observedGeneration,
        List<Condition> conditions,
        TargetPhase phase,
        String portal,
        Long capacityBytes,
        Long epoch,
        Integer healthyReplicas,
        List<ReplicaState> replicas) {
}
