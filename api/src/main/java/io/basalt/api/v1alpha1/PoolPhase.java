package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a pool's server answers its management API. */
public enum PoolPhase {
    @JsonProperty("Online") ONLINE,
    @JsonProperty("Offline") OFFLINE
}
