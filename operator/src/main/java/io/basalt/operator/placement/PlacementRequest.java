package io.basalt.operator.placement;

import java.util.Set;

/**
 * What a volume needs from its pools.
 *
 * @param replicaCount how many replicas, each on its own node
 * @param capacityBytes how much room each replica needs
 * @param keptPools pools that already hold a healthy replica of the volume and stay in the placement
 * @param allowedPools for a clone, the pools of its source (a clone's layers live beside its source's);
 *        empty when any pool of the cluster will do
 */
public record PlacementRequest(int replicaCount, long capacityBytes, Set<String> keptPools, Set<String> allowedPools) {

    public static PlacementRequest fresh(int replicaCount, long capacityBytes) {
        return new PlacementRequest(replicaCount, capacityBytes, Set.of(), Set.of());
    }
}
