package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The health of a volume's target. */
public enum TargetPhase {
    /** Starting, or not yet heard from. */
    @JsonProperty("Init") INIT,
    /** Serving with every replica in the write set. */
    @JsonProperty("Healthy") HEALTHY,
    /** Serving with at least CF but fewer than RF healthy replicas. */
    @JsonProperty("Degraded") DEGRADED,
    /** Serving with at least CF healthy replicas while the others copy what they lack. */
    @JsonProperty("Rebuilding") REBUILDING,
    /** Not serving writes: fewer than CF healthy replicas, or the target is down. */
    @JsonProperty("Offline") OFFLINE
}
