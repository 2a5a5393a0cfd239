package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where a clone's data comes from: exactly one of a snapshot or a volume.
 *
 * @param snapshot the BlockSnapshot to clone
 * @param volume the VolumeClaim to clone (through a snapshot the operator takes)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "has(self.snapshot) != has(self.volume)", message = "set exactly one of snapshot and volume")
public record VolumeSource(
        @JsonPropertyDescription("The BlockSnapshot to clone.")
        String snapshot,
        @JsonPropertyDescription("The VolumeClaim to clone.")
        String volume) {
}
