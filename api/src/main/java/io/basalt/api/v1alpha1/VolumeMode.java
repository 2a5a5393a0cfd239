package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a volume reaches its pod. */
public enum VolumeMode {
    @JsonProperty("Filesystem") FILESYSTEM,
    @JsonProperty("Block") BLOCK
}
