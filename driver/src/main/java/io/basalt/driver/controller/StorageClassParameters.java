package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.FsType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The StorageClass parameters Basalt understands.
 *
 * @param poolCluster the StoragePoolCluster whose pools hold the replicas (required)
 * @param replicaCount how many replicas, 1 to 5 (default 3)
 * @param fsType the file system named by the class, or null when it names none
 */
record StorageClassParameters(String poolCluster, int replicaCount, FsType fsType) {

    static final String POOL_CLUSTER = "poolCluster";
    static final String REPLICA_COUNT = "replicaCount";
    static final String FS_TYPE = "csi.storage.k8s.io/fstype";
    /** Keys the orchestrator's sidecars add on their own (PV and PVC names and the like). */
    private static final String SIDECAR_PREFIX = "csi.storage.k8s.io/";
    private static final Set<String> KNOWN = Set.of(POOL_CLUSTER, REPLICA_COUNT, FS_TYPE);

    static StorageClassParameters parse(Map<String, String> parameters) {
        Set<String> unknown = new TreeSet<>();
        parameters.keySet().stream()
                .filter(key -> !KNOWN.contains(key) && !key.startsWith(SIDECAR_PREFIX))
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw CsiErrors.invalidArgument("unknown StorageClass parameters " + unknown + "; Basalt understands "
                    + POOL_CLUSTER + ", " + REPLICA_COUNT + " and " + FS_TYPE);
        }
        String poolCluster = parameters.getOrDefault(POOL_CLUSTER, "");
        if (poolCluster.isBlank()) {
            throw CsiErrors.invalidArgument("StorageClass parameter " + POOL_CLUSTER
                    + " is required: name the StoragePoolCluster whose pools hold the replicas");
        }
        return new StorageClassParameters(poolCluster, replicaCount(parameters.get(REPLICA_COUNT)),
                parameters.containsKey(FS_TYPE) ? FileSystems.parse(parameters.get(FS_TYPE)) : null);
    }

    private static int replicaCount(String value) {
        if (value == null) {
            return 3;
        }
        try {
            int count = Integer.parseInt(value.trim());
            if (count >= 1 && count <= 5) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw CsiErrors.invalidArgument("StorageClass parameter " + REPLICA_COUNT + " must be a whole number from"
                + " 1 to 5, not '" + value + "'");
    }
}
