package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready, and why not
 * @param poolsTotal the pools in the spec
 * @param poolsOnline the pools whose server answers
 * @param capacityBytes the capacity of the online pools
 * @param freeBytes the free space of the online pools
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StoragePoolClusterStatus(
        Long observedGeneration,
        List<Condition> conditions,
        Integer poolsTotal,
        Integer poolsOnline,
        Long capacityBytes,
        Long freeBytes) {
}
