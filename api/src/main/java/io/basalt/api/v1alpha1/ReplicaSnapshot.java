package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A snapshot held by one replica.
 *
 * @param name the snapshot's name (the BlockSnapshot's)
 * @param creationTime when it was taken (RFC 3339)
 * @param usedBytes the space its frozen layer occupies
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ReplicaSnapshot(String name, String creationTime, Long usedBytes) {
}
