package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The file systems the node plugin makes and grows. */
public enum FsType {
    @JsonProperty("ext4") EXT4,
    @JsonProperty("xfs") XFS
}
