package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The state of one replica of a volume. */
public enum ReplicaPhase {
    /** Created, not yet part of a serving target. */
    @JsonProperty("Init") INIT,
    /** In the write set and up to date. */
    @JsonProperty("Healthy") HEALTHY,
    /** Left the write set (it erred or fell behind); it will rebuild when it can. */
    @JsonProperty("Degraded") DEGRADED,
    /** Taking new writes while it copies what it missed from a healthy replica. */
    @JsonProperty("Rebuilding") REBUILDING,
    /** Unreachable: its pool is down. */
    @JsonProperty("Offline") OFFLINE,
    /** Its pool reports it broken; it needs replacing. */
    @JsonProperty("Error") ERROR
}
