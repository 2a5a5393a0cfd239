package io.basalt.driver.node;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.NodeExpandVolumeRequest;
import io.basalt.csi.v1.NodeExpandVolumeResponse;
import io.basalt.csi.v1.NodeGetCapabilitiesRequest;
import io.basalt.csi.v1.NodeGetCapabilitiesResponse;
import io.basalt.csi.v1.NodeGetInfoRequest;
import io.basalt.csi.v1.NodeGetInfoResponse;
import io.basalt.csi.v1.NodeGetVolumeStatsRequest;
import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.NodeGrpc;
import io.basalt.csi.v1.NodePublishVolumeRequest;
import io.basalt.csi.v1.NodePublishVolumeResponse;
import io.basalt.csi.v1.NodeServiceCapability;
import io.basalt.csi.v1.NodeStageVolumeRequest;
import io.basalt.csi.v1.NodeStageVolumeResponse;
import io.basalt.csi.v1.NodeUnpublishVolumeRequest;
import io.basalt.csi.v1.NodeUnpublishVolumeResponse;
import io.basalt.csi.v1.NodeUnstageVolumeRequest;
import io.basalt.csi.v1.NodeUnstageVolumeResponse;
import io.basalt.csi.v1.Topology;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeCapability.AccessMode.Mode;
import io.basalt.driver.server.InFlight;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The CSI Node service: validates each request, keeps one operation per volume at a time, and
 * hands the work to the stager, publisher, expander and stats reader. It keeps no state of its
 * own, so a restarted driver carries on where the last one stopped.
 */
public final class NodeService extends NodeGrpc.NodeImplBase {

    /** The topology key the scheduler uses to keep a volume's consumer on this node. */
    public static final String TOPOLOGY_KEY = "topology.basalt.io/node";

    /** An iSCSI LUN is logged in on one node at a time. */
    private static final Set<Mode> SUPPORTED_MODES = Set.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);

    private static final NodeGetCapabilitiesResponse CAPABILITIES = capabilities(
            NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME,
            NodeServiceCapability.RPC.Type.EXPAND_VOLUME,
            NodeServiceCapability.RPC.Type.GET_VOLUME_STATS,
            NodeServiceCapability.RPC.Type.VOLUME_CONDITION,
            NodeServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER);

    private final NodeSettings settings;
    private final VolumeStager stager;
    private final VolumePublisher publisher;
    private final VolumeExpander expander;
    private final VolumeStatsReader stats;
    private final InFlight inFlight = new InFlight();

    public NodeService(NodeSettings settings, VolumeStager stager, VolumePublisher publisher, VolumeExpander expander,
                       VolumeStatsReader stats) {
        this.settings = settings;
        this.stager = stager;
        this.publisher = publisher;
        this.expander = expander;
        this.stats = stats;
    }

    @Override
    public void nodeGetInfo(NodeGetInfoRequest request, StreamObserver<NodeGetInfoResponse> response) {
        NodeCall.answer(response, () -> NodeGetInfoResponse.newBuilder()
                .setNodeId(settings.nodeId())
                .setMaxVolumesPerNode(settings.maxVolumesPerNode())
                .setAccessibleTopology(Topology.newBuilder().putSegments(TOPOLOGY_KEY, settings.nodeId()))
                .build());
    }

    @Override
    public void nodeGetCapabilities(NodeGetCapabilitiesRequest request,
                                    StreamObserver<NodeGetCapabilitiesResponse> response) {
        NodeCall.answer(response, () -> CAPABILITIES);
    }

    @Override
    public void nodeStageVolume(NodeStageVolumeRequest request, StreamObserver<NodeStageVolumeResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path stagingPath = path("staging_target_path", request.getStagingTargetPath());
            VolumeAccess access = access(request.hasVolumeCapability(), request.getVolumeCapability());
            try (var claim = inFlight.claim(volumeId)) {
                stager.stage(volumeId, stagingPath, access);
            }
            return NodeStageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnstageVolume(NodeUnstageVolumeRequest request,
                                  StreamObserver<NodeUnstageVolumeResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path stagingPath = path("staging_target_path", request.getStagingTargetPath());
            try (var claim = inFlight.claim(volumeId)) {
                stager.unstage(volumeId, stagingPath);
            }
            return NodeUnstageVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodePublishVolume(NodePublishVolumeRequest request,
                                  StreamObserver<NodePublishVolumeResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path stagingPath = path("staging_target_path", request.getStagingTargetPath());
            Path targetPath = path("target_path", request.getTargetPath());
            VolumeAccess access = access(request.hasVolumeCapability(), request.getVolumeCapability());
            try (var claim = inFlight.claim(volumeId)) {
                publisher.publish(volumeId, stagingPath, targetPath, access, request.getReadonly());
            }
            return NodePublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeUnpublishVolume(NodeUnpublishVolumeRequest request,
                                    StreamObserver<NodeUnpublishVolumeResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path targetPath = path("target_path", request.getTargetPath());
            try (var claim = inFlight.claim(volumeId)) {
                publisher.unpublish(volumeId, targetPath);
            }
            return NodeUnpublishVolumeResponse.getDefaultInstance();
        });
    }

    @Override
    public void nodeExpandVolume(NodeExpandVolumeRequest request, StreamObserver<NodeExpandVolumeResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path volumePath = path("volume_path", request.getVolumePath());
            long requiredBytes = request.getCapacityRange().getRequiredBytes();
            long limitBytes = request.getCapacityRange().getLimitBytes();
            if (requiredBytes < 0 || limitBytes < 0 || (limitBytes > 0 && limitBytes < requiredBytes)) {
                throw invalid("capacity_range: required_bytes " + requiredBytes + " and limit_bytes " + limitBytes
                        + " do not make a range");
            }
            try (var claim = inFlight.claim(volumeId)) {
                long size = expander.expand(volumeId, volumePath, requiredBytes);
                return NodeExpandVolumeResponse.newBuilder().setCapacityBytes(size).build();
            }
        });
    }

    @Override
    public void nodeGetVolumeStats(NodeGetVolumeStatsRequest request,
                                   StreamObserver<NodeGetVolumeStatsResponse> response) {
        NodeCall.answer(response, () -> {
            String volumeId = required("volume_id", request.getVolumeId());
            Path volumePath = path("volume_path", request.getVolumePath());
            Optional<Path> stagingPath = request.getStagingTargetPath().isEmpty()
                    ? Optional.empty() : Optional.of(path("staging_target_path", request.getStagingTargetPath()));
            return stats.read(volumeId, volumePath, stagingPath);
        });
    }

    private static VolumeAccess access(boolean present, VolumeCapability capability) {
        if (!present) {
            throw invalid("volume_capability is required");
        }
        Mode mode = capability.getAccessMode().getMode();
        if (!SUPPORTED_MODES.contains(mode)) {
            throw invalid("access mode " + mode + " is not supported: a Basalt volume is attached to one node;"
                    + " supported are " + SUPPORTED_MODES);
        }
        return switch (capability.getAccessTypeCase()) {
            case BLOCK -> new VolumeAccess.Block();
            case MOUNT -> new VolumeAccess.Mount(fsType(capability.getMount().getFsType()),
                    capability.getMount().getMountFlagsList());
            case ACCESSTYPE_NOT_SET -> throw invalid("volume_capability needs an access type, block or mount");
        };
    }

    private static Optional<FsType> fsType(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(FsType.values())
                .filter(type -> VolumeStager.fsTypeName(type).equals(name))
                .findFirst()
                .orElseThrow(() -> invalid("fs_type " + name + " is not supported; use ext4 or xfs")));
    }

    private static String required(String field, String value) {
        if (value.isEmpty()) {
            throw invalid(field + " is required");
        }
        return value;
    }

    private static Path path(String field, String value) {
        Path path = Path.of(required(field, value));
        if (!path.isAbsolute()) {
            throw invalid(field + " must be an absolute path, not " + value);
        }
        return path.normalize();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    private static NodeGetCapabilitiesResponse capabilities(NodeServiceCapability.RPC.Type... types) {
        NodeGetCapabilitiesResponse.Builder response = NodeGetCapabilitiesResponse.newBuilder();
        for (NodeServiceCapability.RPC.Type type : types) {
            response.addCapabilities(NodeServiceCapability.newBuilder()
                    .setRpc(NodeServiceCapability.RPC.newBuilder().setType(type)));
        }
        return response.build();
    }
}
