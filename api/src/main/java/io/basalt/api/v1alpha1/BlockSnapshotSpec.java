package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** @param sourceVolume the VolumeClaim to snapshot */
@ValidationRule(value = "self.sourceVolume == oldSelf.sourceVolume", message = "sourceVolume is immutable")
public record BlockSnapshotSpec(
        @Required
        @JsonPropertyDescription("The VolumeClaim to snapshot.")
        String sourceVolume) {
}
