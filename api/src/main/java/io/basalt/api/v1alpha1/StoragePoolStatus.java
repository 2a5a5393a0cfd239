package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready, and why not
 * @param phase whether the pool server answers
 * @param replicaEndpoint host:port of the pool server's replica protocol
 * @param managementEndpoint host:port of the pool server's management API
 * @param capacityBytes what the pool can hold
 * @param usedBytes what its replicas occupy
 * @param freeBytes what is left for new replicas
 * @param replicaCount the replicas it hosts
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StoragePoolStatus(
        Long observedGeneration,
        List<Condition> conditions,
        PoolPhase phase,
        String replicaEndpoint,
        String managementEndpoint,
        Long capacityBytes,
        Long usedBytes,
        Long freeBytes,
        Integer replicaCount) {
}
