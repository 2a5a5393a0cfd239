package io.basalt.driver.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.csi.v1.NodeGetCapabilitiesRequest;
import io.basalt.csi.v1.NodeGetInfoRequest;
import io.basalt.csi.v1.NodeGetInfoResponse;
import io.basalt.csi.v1.NodeServiceCapability;
import io.basalt.csi.v1.NodeServiceCapability.RPC.Type;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeGetInfo and NodeGetCapabilities: what the scheduler and the kubelet learn about this node. */
@EnableKubernetesMockClient(crud = true)
class NodeInfoTest {

    KubernetesClient kubernetes;

    @TempDir
    Path dir;

    private NodeTestbed testbed;

    @BeforeEach
    void startNode() {
        testbed = new NodeTestbed(kubernetes, dir);
    }

    @AfterEach
    void stopNode() throws InterruptedException {
        testbed.close();
    }

    @Test
    void infoNamesTheNodeItsTopologyAndTheVolumeLimit() {
        NodeGetInfoResponse info = testbed.node.nodeGetInfo(NodeGetInfoRequest.getDefaultInstance());

        assertThat(info.getNodeId()).isEqualTo(NodeTestbed.NODE);
        assertThat(info.getAccessibleTopology().getSegmentsMap())
                .containsExactlyEntriesOf(Map.of("topology.basalt.io/node", NodeTestbed.NODE));
        assertThat(info.getMaxVolumesPerNode()).isEqualTo(32);
        assertThat(testbed.runner.calls()).isEmpty();
    }

    @Test
    void capabilitiesAreStagingExpansionStatsConditionAndSingleNodeMultiWriter() {
        List<Type> types = testbed.node.nodeGetCapabilities(NodeGetCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList().stream()
                .map(NodeServiceCapability::getRpc)
                .map(NodeServiceCapability.RPC::getType)
                .toList();

        assertThat(types).containsExactlyInAnyOrder(Type.STAGE_UNSTAGE_VOLUME, Type.EXPAND_VOLUME,
                Type.GET_VOLUME_STATS, Type.VOLUME_CONDITION, Type.SINGLE_NODE_MULTI_WRITER);
    }
}
