package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * @param poolCluster the StoragePoolCluster this pool belongs to
 * @param nodeName the node whose directory holds the pool
 * @param hostPath the absolute directory on that node
 * @param capacityBytes the cap on what the pool may use, if the admin set one
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StoragePoolSpec(
        @Required
        @JsonPropertyDescription("The StoragePoolCluster this pool belongs to.")
        String poolCluster,
        @Required
        @JsonPropertyDescription("The node whose directory holds the pool.")
        String nodeName,
        @Required
        @Pattern("^/.*")
        @JsonPropertyDescription("The absolute directory on that node.")
        String hostPath,
        @Min(1)
        @JsonPropertyDescription("The cap, in bytes, on what the pool may use, if the admin set one.")
        Long capacityBytes) {
}
