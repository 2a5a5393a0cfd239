package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * @param observedGeneration the generation of the spec this status describes
 * @param conditions Ready (reason WaitingForConsumer, NotEnoughPools, ...), and every other wait or failure
 * @param phase Pending until the target serves with a quorum of replicas, then Bound
 * @param capacityBytes the size the target serves now
 * @param targetPortal host:port of the volume's iSCSI target
 * @param iqn the target's iSCSI qualified name
 * @param chapSecretName the Secret in basalt-system holding the volume's CHAP credentials
 * @param volumeTarget the VolumeTarget serving the volume
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VolumeClaimStatus(
        Long observedGeneration,
        List<Condition> conditions,
        VolumePhase phase,
        Long capacityBytes,
        String targetPortal,
        String iqn,
        String chapSecretName,
        String volumeTarget) {
}
