package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;

/**
 * @param pools the pools, each a directory on one node
 * @param resources resources of every pool server pod
 * @param tolerations tolerations of every pool server pod, so pools can run on tainted storage nodes
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.pools.all(p, self.pools.exists_one(q, q.name == p.name))", message = "pool names must be unique")
public record StoragePoolClusterSpec(
        @Required
        @Size(min = 1)
        @JsonPropertyDescription("The pools, each a directory on one node.")
        List<PoolEntry> pools,
        @JsonPropertyDescription("Resources of every pool server pod.")
        ResourceRequirements resources,
        @JsonPropertyDescription("Tolerations of every pool server pod.")
        List<Toleration> tolerations) {
}
