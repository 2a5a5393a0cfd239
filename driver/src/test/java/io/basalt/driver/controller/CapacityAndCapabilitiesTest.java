package io.basalt.driver.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolSpec;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.csi.v1.ControllerGetCapabilitiesRequest;
import io.basalt.csi.v1.ControllerServiceCapability;
import io.basalt.csi.v1.ControllerServiceCapability.RPC.Type;
import io.basalt.csi.v1.GetCapacityRequest;
import io.basalt.csi.v1.GetCapacityResponse;
import io.basalt.csi.v1.Topology;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/** GetCapacity and ControllerGetCapabilities. */
class CapacityAndCapabilitiesTest extends ControllerFixture {

    @Test
    void capacityIsTheLargestVolumeThatFitsOnReplicaCountDistinctNodes() {
        givenPool("fast-a", "fast", "node-1", PoolPhase.ONLINE, 40 * GIB);
        givenPool("fast-b", "fast", "node-2", PoolPhase.ONLINE, 10 * GIB);
        givenPool("fast-c", "fast", "node-3", PoolPhase.ONLINE, 25 * GIB);

        GetCapacityResponse three = capacity("fast", 3);
        GetCapacityResponse two = capacity("fast", 2);

        assertThat(three.getAvailableCapacity()).isEqualTo(10 * GIB);
        assertThat(three.getMaximumVolumeSize().getValue()).isEqualTo(10 * GIB);
        assertThat(two.getAvailableCapacity()).isEqualTo(25 * GIB);
    }

    @Test
    void twoPoolsOnOneNodeCountAsOnePlaceForReplicas() {
        givenPool("fast-a", "fast", "node-1", PoolPhase.ONLINE, 40 * GIB);
        givenPool("fast-b", "fast", "node-1", PoolPhase.ONLINE, 30 * GIB);
        givenPool("fast-c", "fast", "node-2", PoolPhase.ONLINE, 20 * GIB);

        assertThat(capacity("fast", 2).getAvailableCapacity()).isEqualTo(20 * GIB);
        assertThat(capacity("fast", 3).getAvailableCapacity()).isZero();
    }

    @Test
    void offlinePoolsAndOtherClustersDoNotCount() {
        givenPool("fast-a", "fast", "node-1", PoolPhase.ONLINE, 40 * GIB);
        givenPool("fast-b", "fast", "node-2", PoolPhase.OFFLINE, 40 * GIB);
        givenPool("slow-a", "slow", "node-3", PoolPhase.ONLINE, 40 * GIB);

        assertThat(capacity("fast", 2).getAvailableCapacity()).isZero();
        assertThat(capacity("fast", 1).getAvailableCapacity()).isEqualTo(40 * GIB);
    }

    @Test
    void freeSpaceIsReportedInWholeMebibytes() {
        givenPool("fast-a", "fast", "node-1", PoolPhase.ONLINE, GIB + 12345);

        assertThat(capacity("fast", 1).getAvailableCapacity()).isEqualTo(GIB);
    }

    @Test
    void nodeTopologyIsAcceptedSinceEveryNodeReachesTheTargets() {
        givenPool("fast-a", "fast", "node-1", PoolPhase.ONLINE, 40 * GIB);

        GetCapacityResponse response = controller.getCapacity(GetCapacityRequest.newBuilder()
                .putParameters("poolCluster", "fast").putParameters("replicaCount", "1")
                .setAccessibleTopology(Topology.newBuilder().putSegments("topology.basalt.io/node", "node-9"))
                .build());

        assertThat(response.getAvailableCapacity()).isEqualTo(40 * GIB);
    }

    @Test
    void invalidParametersAreInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "replicaCount",
                () -> capacity("fast", 9));
    }

    @Test
    void capabilitiesAreTheOnesTheControllerImplements() {
        var types = controller.controllerGetCapabilities(ControllerGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList().stream()
                .map(ControllerServiceCapability::getRpc)
                .map(ControllerServiceCapability.RPC::getType)
                .toList();

        assertThat(types).containsExactlyInAnyOrder(Type.CREATE_DELETE_VOLUME, Type.LIST_VOLUMES, Type.GET_CAPACITY,
                Type.CREATE_DELETE_SNAPSHOT, Type.LIST_SNAPSHOTS, Type.CLONE_VOLUME, Type.EXPAND_VOLUME,
                Type.LIST_VOLUMES_PUBLISHED_NODES, Type.VOLUME_CONDITION, Type.GET_VOLUME,
                Type.SINGLE_NODE_MULTI_WRITER);
        assertThat(types).as("attaching is the node's iSCSI login").doesNotContain(Type.PUBLISH_UNPUBLISH_VOLUME);
    }

    @Test
    void controllerPublishIsUnimplemented() {
        assertFailsWith(Status.Code.UNIMPLEMENTED, "",
                () -> controller.controllerPublishVolume(io.basalt.csi.v1.ControllerPublishVolumeRequest
                        .getDefaultInstance()));
    }

    private GetCapacityResponse capacity(String poolCluster, int replicas) {
        return controller.getCapacity(GetCapacityRequest.newBuilder()
                .putParameters("poolCluster", poolCluster)
                .putParameters("replicaCount", Integer.toString(replicas))
                .build());
    }

    private void givenPool(String name, String poolCluster, String node, PoolPhase phase, long free) {
        StoragePool pool = new StoragePool();
        pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
        pool.setSpec(new StoragePoolSpec(poolCluster, node, "/var/lib/basalt/" + name, null));
        pool = cluster.create(pool);
        pool.setStatus(new StoragePoolStatus(1L, null, phase, null, null, 100 * GIB, 100 * GIB - free, free, 0));
        kubernetes.resource(pool).updateStatus();
    }
}
