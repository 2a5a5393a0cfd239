package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * A frozen layer of a replica on the same pool.
 *
 * @param replica the VolumeReplica that holds the layer
 * @param snapshot the snapshot's name
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SnapshotLayer(
        @Required
        @JsonPropertyDescription("The VolumeReplica that holds the layer.")
        String replica,
        @Required
        @JsonPropertyDescription("The snapshot's name.")
        String snapshot) {
}
