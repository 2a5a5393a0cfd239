package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a VolumeClaim is in its life. */
public enum VolumePhase {
    /** Waiting for a consumer, for pools, or for the target; the Ready condition says which. */
    @JsonProperty("Pending") PENDING,
    /** Served by its target with at least a quorum of replicas. */
    @JsonProperty("Bound") BOUND,
    /** Cannot be provisioned without the user changing something; the Ready condition says what. */
    @JsonProperty("Failed") FAILED
}
