package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * @param volume the VolumeClaim this replica belongs to
 * @param pool the StoragePool holding it
 * @param capacityBytes the size of the replica
 * @param cloneOf the snapshot layer this replica starts from, for a clone
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.pool == oldSelf.pool", message = "a replica cannot move to another pool")
@ValidationRule(value = "self.capacityBytes >= oldSelf.capacityBytes", message = "a replica can grow but never shrink")
public record VolumeReplicaSpec(
        @Required
        @JsonPropertyDescription("The VolumeClaim this replica belongs to.")
        String volume,
        @Required
        @JsonPropertyDescription("The StoragePool holding it.")
        String pool,
        @Required
        @Min(1)
        @JsonPropertyDescription("The size of the replica, in bytes.")
        Long capacityBytes,
        @JsonPropertyDescription("The snapshot layer a clone's replica starts from.")
        SnapshotLayer cloneOf) {
}
