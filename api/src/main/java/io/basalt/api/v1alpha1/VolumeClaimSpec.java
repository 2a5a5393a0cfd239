package io.basalt.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * @param capacityBytes the size asked for, in bytes; it may grow but never shrink
 * @param poolCluster the StoragePoolCluster whose pools hold the replicas
 * @param replicaCount how many replicas (RF); the target acknowledges a write once RF/2+1 hold it
 * @param volumeMode a file system or a raw block device
 * @param fsType the file system the node plugin makes on a Filesystem volume
 * @param source the snapshot or volume this one is cloned from, if any
 * @param nodeName the consumer node, written by the node plugin when it first stages the volume
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.capacityBytes >= oldSelf.capacityBytes", message = "capacityBytes can grow but never shrink")
@ValidationRule(value = "self.poolCluster == oldSelf.poolCluster", message = "poolCluster is immutable")
@ValidationRule(value = "self.replicaCount == oldSelf.replicaCount", message = "replicaCount is immutable")
@ValidationRule(value = "has(self.source) == has(oldSelf.source) && (!has(self.source) || self.source == oldSelf.source)",
        message = "source is immutable")
public record VolumeClaimSpec(
        @Required
        @Min(1)
        @JsonPropertyDescription("The size asked for, in bytes; it may grow but never shrink.")
        Long capacityBytes,
        @Required
        @JsonPropertyDescription("The StoragePoolCluster whose pools hold the replicas.")
        String poolCluster,
        @Min(1)
        @Max(5)
        @Default("3")
        @JsonPropertyDescription("How many replicas; a write is acknowledged once a majority holds it.")
        Integer replicaCount,
        @Default("Filesystem")
        @JsonPropertyDescription("A file system or a raw block device.")
        VolumeMode volumeMode,
        @Default("ext4")
        @JsonPropertyDescription("The file system made on a Filesystem volume.")
        FsType fsType,
        @JsonPropertyDescription("The snapshot or volume this one is cloned from.")
        VolumeSource source,
        @JsonPropertyDescription("The consumer node, recorded by the node plugin when it first stages the volume.")
        String nodeName) {

    public static final int DEFAULT_REPLICA_COUNT = 3;

    /** This spec with {@code node} as the consumer (null: none). */
    public VolumeClaimSpec withNodeName(String node) {
        return new VolumeClaimSpec(capacityBytes, poolCluster, replicaCount, volumeMode, fsType, source, node);
    }

    /** This spec with a new size. */
    public VolumeClaimSpec withCapacityBytes(long bytes) {
        return new VolumeClaimSpec(bytes, poolCluster, replicaCount, volumeMode, fsType, source, nodeName);
    }

    /** The replica count, with the CRD's default where the field is unset. */
    public int effectiveReplicaCount() {
        return replicaCount == null ? DEFAULT_REPLICA_COUNT : replicaCount;
    }
}
