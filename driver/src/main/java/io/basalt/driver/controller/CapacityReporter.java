package io.basalt.driver.controller;

import com.google.protobuf.Int64Value;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.csi.v1.GetCapacityRequest;
import io.basalt.csi.v1.GetCapacityResponse;
import io.basalt.driver.kube.BasaltCluster;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * GetCapacity: the largest volume the pools could take now. A volume needs its size free on
 * replicaCount pools on distinct nodes, so that is the replicaCount-th largest free space among
 * the online pools, taking the roomiest pool of each node.
 */
final class CapacityReporter {

    private static final int DEFAULT_REPLICAS = 3;

    private final BasaltCluster cluster;
    private final Topologies topologies;

    CapacityReporter(BasaltCluster cluster, Topologies topologies) {
        this.cluster = cluster;
        this.topologies = topologies;
    }

    GetCapacityResponse capacity(GetCapacityRequest request) {
        request.getVolumeCapabilitiesList().stream()
                .map(Capabilities::problemWith)
                .filter(Objects::nonNull)
                .findFirst()
                .ifPresent(problem -> {
                    throw CsiErrors.invalidArgument(problem);
                });
        topologies.validate(request.getAccessibleTopology());
        String poolCluster = null;
        int replicas = DEFAULT_REPLICAS;
        if (!request.getParametersMap().isEmpty()) {
            StorageClassParameters parameters = StorageClassParameters.parse(request.getParametersMap());
            poolCluster = parameters.poolCluster();
            replicas = parameters.replicaCount();
        }
        long largest = largestVolume(poolCluster, replicas);
        return GetCapacityResponse.newBuilder()
                .setAvailableCapacity(largest)
                .setMaximumVolumeSize(Int64Value.of(largest))
                .setMinimumVolumeSize(Int64Value.of(CapacityPolicy.GRANULE))
                .build();
    }

    private long largestVolume(String poolCluster, int replicas) {
        Map<String, Long> roomiestPerNode = cluster.storagePools().stream()
                .filter(pool -> poolCluster == null || poolCluster.equals(pool.getSpec().poolCluster()))
                .filter(pool -> pool.getStatus() != null && pool.getStatus().phase() == PoolPhase.ONLINE
                        && pool.getStatus().freeBytes() != null)
                .collect(Collectors.toMap(pool -> pool.getSpec().nodeName(), pool -> pool.getStatus().freeBytes(),
                        Math::max));
        List<Long> free = roomiestPerNode.values().stream().sorted(Comparator.reverseOrder()).toList();
        if (free.size() < replicas) {
            return 0;
        }
        return free.get(replicas - 1) / CapacityPolicy.GRANULE * CapacityPolicy.GRANULE;
    }
}
