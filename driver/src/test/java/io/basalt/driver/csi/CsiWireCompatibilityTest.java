package io.basalt.driver.csi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.GetPluginCapabilitiesResponse;
import io.basalt.csi.v1.NodeStageVolumeRequest;
import io.basalt.csi.v1.PluginCapability;
import io.basalt.csi.v1.VolumeCapability;
import org.junit.jupiter.api.Test;

/**
 * Messages encoded from the CSI specification's field numbers decode into our classes with every
 * value in its place, and ours encode to the same bytes: the sidecars and we speak one wire format.
 */
class CsiWireCompatibilityTest {

    @Test
    void createVolumeRequestFromSpecFieldNumbersDecodesCompletely() throws InvalidProtocolBufferException {
        byte[] wire = SpecWire.message()
                .string(1, "pvc-1")
                .message(2, SpecWire.message().varint(1, 1L << 30).varint(2, 2L << 30))
                .message(3, SpecWire.message()
                        .message(2, SpecWire.message().string(1, "xfs").string(2, "noatime"))
                        .message(3, SpecWire.message().varint(1, 1)))
                .mapEntry(4, "poolCluster", "fast")
                .mapEntry(4, "replicaCount", "3")
                .mapEntry(5, "chap", "s3cret")
                .message(6, SpecWire.message().message(1, SpecWire.message().string(1, "snap-1")))
                .message(7, SpecWire.message().message(1, SpecWire.message()
                        .mapEntry(1, "topology.basalt.io/node", "node-1")))
                .mapEntry(8, "iops", "fast")
                .toBytes();

        CreateVolumeRequest request = CreateVolumeRequest.parseFrom(wire);

        assertThat(request.getName()).isEqualTo("pvc-1");
        assertThat(request.getCapacityRange().getRequiredBytes()).isEqualTo(1L << 30);
        assertThat(request.getCapacityRange().getLimitBytes()).isEqualTo(2L << 30);
        VolumeCapability capability = request.getVolumeCapabilities(0);
        assertThat(capability.getMount().getFsType()).isEqualTo("xfs");
        assertThat(capability.getMount().getMountFlagsList()).containsExactly("noatime");
        assertThat(capability.getAccessMode().getMode()).isEqualTo(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER);
        assertThat(request.getParametersMap()).containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("poolCluster", "fast", "replicaCount", "3"));
        assertThat(request.getSecretsMap()).containsEntry("chap", "s3cret");
        assertThat(request.getVolumeContentSource().getSnapshot().getSnapshotId()).isEqualTo("snap-1");
        assertThat(request.getAccessibilityRequirements().getRequisite(0).getSegmentsMap())
                .containsEntry("topology.basalt.io/node", "node-1");
        assertThat(request.getMutableParamsMap()).containsEntry("iops", "fast");
        assertThat(request.getUnknownFields().asMap()).as("every spec field is known to us").isEmpty();
    }

    @Test
    void blockCapabilityAndVolumeSourceUseTheSpecOneofFields() throws InvalidProtocolBufferException {
        byte[] wire = SpecWire.message()
                .string(1, "pvc-2")
                .message(3, SpecWire.message()
                        .message(1, SpecWire.message())
                        .message(3, SpecWire.message().varint(1, 7)))
                .message(6, SpecWire.message().message(2, SpecWire.message().string(1, "pvc-1")))
                .toBytes();

        CreateVolumeRequest request = CreateVolumeRequest.parseFrom(wire);

        assertThat(request.getVolumeCapabilities(0).hasBlock()).isTrue();
        assertThat(request.getVolumeCapabilities(0).getAccessMode().getMode())
                .isEqualTo(VolumeCapability.AccessMode.Mode.SINGLE_NODE_MULTI_WRITER);
        assertThat(request.getVolumeContentSource().getVolume().getVolumeId()).isEqualTo("pvc-1");
    }

    @Test
    void nodeStageVolumeRequestFromSpecFieldNumbersDecodesCompletely() throws InvalidProtocolBufferException {
        byte[] wire = SpecWire.message()
                .string(1, "pvc-1")
                .mapEntry(2, "published", "yes")
                .string(3, "/var/lib/kubelet/plugins/kubernetes.io/csi/staging/pvc-1")
                .message(4, SpecWire.message()
                        .message(2, SpecWire.message().string(1, "ext4"))
                        .message(3, SpecWire.message().varint(1, 1)))
                .mapEntry(5, "chap", "s3cret")
                .mapEntry(6, "iqn", "iqn.2026-01.io.basalt:pvc-1")
                .toBytes();

        NodeStageVolumeRequest request = NodeStageVolumeRequest.parseFrom(wire);

        assertThat(request.getVolumeId()).isEqualTo("pvc-1");
        assertThat(request.getPublishContextMap()).containsEntry("published", "yes");
        assertThat(request.getStagingTargetPath()).endsWith("/staging/pvc-1");
        assertThat(request.getVolumeCapability().getMount().getFsType()).isEqualTo("ext4");
        assertThat(request.getSecretsMap()).containsEntry("chap", "s3cret");
        assertThat(request.getVolumeContextMap()).containsEntry("iqn", "iqn.2026-01.io.basalt:pvc-1");
        assertThat(request.getUnknownFields().asMap()).isEmpty();
    }

    @Test
    void ourPluginCapabilitiesEncodeToTheSpecBytes() {
        GetPluginCapabilitiesResponse ours = GetPluginCapabilitiesResponse.newBuilder()
                .addCapabilities(PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder()
                        .setType(PluginCapability.Service.Type.CONTROLLER_SERVICE)))
                .addCapabilities(PluginCapability.newBuilder().setVolumeExpansion(
                        PluginCapability.VolumeExpansion.newBuilder()
                                .setType(PluginCapability.VolumeExpansion.Type.ONLINE)))
                .build();

        byte[] spec = SpecWire.message()
                .message(1, SpecWire.message().message(1, SpecWire.message().varint(1, 1)))
                .message(1, SpecWire.message().message(2, SpecWire.message().varint(1, 1)))
                .toBytes();

        assertThat(ours.toByteArray()).isEqualTo(spec);
    }
}
