package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * One pool of a {@link StoragePoolCluster}.
 *
 * @param name the pool's name within its cluster; the StoragePool is named {@code <cluster>-<name>}
 * @param nodeName the node whose directory holds the pool
 * @param hostPath the absolute directory on that node
 * @param capacityBytes an optional cap on what the pool may use, below the file system's size
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PoolEntry(
        @Required
        @Pattern("^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
        @JsonPropertyDescription("The pool's name within its cluster (a DNS label of at most 32 characters).")
        String name,
        @Required
        @JsonPropertyDescription("The node whose directory holds the pool.")
        String nodeName,
        @Required
        @Pattern("^/.*")
        @JsonPropertyDescription("The absolute directory on that node.")
        String hostPath,
        @Min(1)
        @JsonPropertyDescription("Optional cap, in bytes, on what the pool may use.")
        Long capacityBytes) {
}
