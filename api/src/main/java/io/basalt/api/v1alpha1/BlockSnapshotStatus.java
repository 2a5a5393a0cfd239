package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready, and why not
 * @param readyToUse whether the snapshot can be cloned from
 * @param creationTime when the replicas froze their layers (RFC 3339)
 * @param sizeBytes the source volume's size at that time
 * @param error why the snapshot failed, if it did
 * @param layers the frozen replica layers that hold the snapshot, one per replica that took it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BlockSnapshotStatus(
        Long observedGeneration,
        List<Condition> conditions,
        Boolean readyToUse,
        String creationTime,
        Long sizeBytes,
        String error,
        List<SnapshotLayer> layers) {

    /** A status that names no layers (yet). */
    public BlockSnapshotStatus(Long observedGeneration, List<Condition> conditions, Boolean readyToUse,
                               String creationTime, Long sizeBytes, String error) {
        this(observedGeneration, conditions, readyToUse, creationTime, sizeBytes, error, null);
    }
}
