package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * @param volume the VolumeClaim this target serves
 * @param iqn the target's iSCSI qualified name
 * @param capacityBytes the size the LUN should have
 * @param replicationFactor RF: how many replicas take every write
 * @param consistencyFactor CF: how many must hold a write before it is acknowledged (RF/2+1)
 * @param replicas the replicas behind the target
 * @param nodeName the node the target should preferably run on: the volume's consumer
 * @param chapSecretName the Secret holding the CHAP credentials initiators must present
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.consistencyFactor <= self.replicationFactor",
        message = "consistencyFactor cannot exceed replicationFactor")
public record VolumeTargetSpec(
        @Required
        @JsonPropertyDescription("The VolumeClaim this target serves.")
        String volume,
        @Required
        @JsonPropertyDescription("The target's iSCSI qualified name.")
        String iqn,
        @Required
        @Min(1)
        @JsonPropertyDescription("The size the LUN should have, in bytes.")
        Long capacityBytes,
        @Required
        @Min(1)
        @Max(5)
        @JsonPropertyDescription("RF: how many replicas take every write.")
        Integer replicationFactor,
        @Required
        @Min(1)
        @Max(5)
        @JsonPropertyDescription("CF: how many replicas must hold a write before it is acknowledged.")
        Integer consistencyFactor,
        @Size(max = 5)
        @JsonPropertyDescription("The replicas behind the target.")
        List<ReplicaEndpoint> replicas,
        @JsonPropertyDescription("The node the target should preferably run on.")
        String nodeName,
        @JsonPropertyDescription("The Secret holding the CHAP credentials initiators must present.")
        String chapSecretName) {
}
