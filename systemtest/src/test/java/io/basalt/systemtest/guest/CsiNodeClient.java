package io.basalt.systemtest.guest;

import io.basalt.csi.v1.IdentityGrpc;
import io.basalt.csi.v1.NodeExpandVolumeRequest;
import io.basalt.csi.v1.NodeGetVolumeStatsRequest;
import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.NodeGrpc;
import io.basalt.csi.v1.NodePublishVolumeRequest;
import io.basalt.csi.v1.NodeStageVolumeRequest;
import io.basalt.csi.v1.NodeUnpublishVolumeRequest;
import io.basalt.csi.v1.NodeUnstageVolumeRequest;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.ProbeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The CSI node calls the scenario makes, over the node plugin's unix socket as kubelet makes them,
 * each with a deadline.
 */
final class CsiNodeClient implements AutoCloseable {

    private static final Duration CALL_LIMIT = Duration.ofMinutes(3);

    private final EventLoopGroup group;
    private final ManagedChannel channel;

    @SuppressWarnings("deprecation")
    private CsiNodeClient(Path socket) {
        group = new EpollEventLoopGroup(1);
        channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
    }

    /** Connects once the plugin answers Probe as ready, or fails after {@code limit}. */
    static CsiNodeClient connect(Path socket, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.exists(socket)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node plugin did not create " + socket + " within " + limit);
            }
            Thread.sleep(200);
        }
        CsiNodeClient client = new CsiNodeClient(socket);
        while (true) {
            try {
                if (IdentityGrpc.newBlockingStub(client.channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .probe(ProbeRequest.getDefaultInstance()).getReady().getValue()) {
                    return client;
                }
            } catch (StatusRuntimeException notYet) {
                if (System.nanoTime() > deadline) {
                    client.close();
                    throw new IllegalStateException("the node plugin did not become ready within " + limit, notYet);
                }
            }
            Thread.sleep(200);
        }
    }

    static VolumeCapability mount(String fsType) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType))
                .setAccessMode(singleNodeWriter())
                .build();
    }

    static VolumeCapability block() {
        return VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(singleNodeWriter())
                .build();
    }

    private static VolumeCapability.AccessMode singleNodeWriter() {
        return VolumeCapability.AccessMode.newBuilder()
                .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER).build();
    }

    private NodeGrpc.NodeBlockingStub node() {
        return NodeGrpc.newBlockingStub(channel).withDeadlineAfter(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    void stage(String volumeId, Path staging, VolumeCapability capability) {
        node().nodeStageVolume(NodeStageVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setStagingTargetPath(staging.toString()).setVolumeCapability(capability).build());
    }

    void publish(String volumeId, Path staging, Path target, VolumeCapability capability, boolean readOnly) {
        node().nodePublishVolume(NodePublishVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setStagingTargetPath(staging.toString()).setTargetPath(target.toString())
                .setVolumeCapability(capability).setReadonly(readOnly).build());
    }

    void unpublish(String volumeId, Path target) {
        node().nodeUnpublishVolume(NodeUnpublishVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setTargetPath(target.toString()).build());
    }

    void unstage(String volumeId, Path staging) {
        node().nodeUnstageVolume(NodeUnstageVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setStagingTargetPath(staging.toString()).build());
    }

    long expand(String volumeId, Path volumePath, Path staging, long requiredBytes, VolumeCapability capability) {
        return node().nodeExpandVolume(NodeExpandVolumeRequest.newBuilder().setVolumeId(volumeId)
                .setVolumePath(volumePath.toString()).setStagingTargetPath(staging.toString())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(requiredBytes))
                .setVolumeCapability(capability).build()).getCapacityBytes();
    }

    NodeGetVolumeStatsResponse stats(String volumeId, Path volumePath, Path staging) {
        return node().nodeGetVolumeStats(NodeGetVolumeStatsRequest.newBuilder().setVolumeId(volumeId)
                .setVolumePath(volumePath.toString()).setStagingTargetPath(staging.toString()).build());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
}
