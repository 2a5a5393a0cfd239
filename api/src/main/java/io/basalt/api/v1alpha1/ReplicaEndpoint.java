package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/**
 * One replica as the target reaches it.
 *
 * @param replica the VolumeReplica's name
 * @param pool the StoragePool holding it
 * @param address host:port of that pool's replica protocol
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ReplicaEndpoint(
        @Required
        @JsonPropertyDescription("The VolumeReplica's name.")
        String replica,
        @Required
        @JsonPropertyDescription("The StoragePool holding it.")
        String pool,
        @JsonPropertyDescription("host:port of that pool's replica protocol.")
        String address) {
}
