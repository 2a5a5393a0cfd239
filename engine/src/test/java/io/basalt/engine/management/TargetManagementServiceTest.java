package io.basalt.engine.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.iscsi.session.SessionKey;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.iscsi.session.SessionType;
import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.engine.scsi.BlockScsiTarget;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetManagementServiceTest {

    private static final String IQN = "iqn.2026-01.io.basalt:managed";
    private static final long SIZE = 1L << 20;

    @TempDir
    Path dir;

    private FileBlockDevice device;
    private SessionRegistry sessions;
    private ManagementServer server;
    private ManagedChannel channel;
    private TargetManagementGrpc.TargetManagementBlockingStub client;

    @BeforeEach
    void serve() throws Exception {
        device = FileBlockDevice.open(dir.resolve("lun.img"), SIZE, 512, 2, PooledByteBufAllocator.DEFAULT);
        LogicalUnit unit = new LogicalUnit(LogicalUnitConfig.basalt("0123456789abcdef"), device);
        sessions = new SessionRegistry(new BlockScsiTarget(unit), IQN + ",t,0x1");
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0), new TargetManagementService(
                new ServedTarget(IQN, "10.0.2.2:3260", unit, device, sessions::sessions)));
        channel = NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
        client = TargetManagementGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        device.close();
    }

    @Test
    void statusReportsNamePortalCapacityHealthAndBackingFile() {
        TargetStatusResponse status = client.targetStatus(TargetStatusRequest.getDefaultInstance());

        assertThat(status.getIqn()).isEqualTo(IQN);
        assertThat(status.getAdvertisedPortal()).isEqualTo("10.0.2.2:3260");
        assertThat(status.getCapacityBytes()).isEqualTo(SIZE);
        assertThat(status.getBlockSize()).isEqualTo(512);
        assertThat(status.getHealth()).isEqualTo(Health.HEALTHY);
        assertThat(status.getFile().getPath()).isEqualTo(dir.resolve("lun.img").toString());
        assertThat(status.getSessionsList()).isEmpty();
    }

    @Test
    void statusListsTheSessionsLoggedIn() throws Exception {
        sessions.admit(new SessionKey("iqn.2026-01.io.basalt:node-1", 0x23d000001L), 0, 1, SessionType.NORMAL,
                new OperationalParameters(), () -> { });

        TargetStatusResponse status = client.targetStatus(TargetStatusRequest.getDefaultInstance());

        assertThat(status.getSessionsList()).singleElement().satisfies(session -> {
            assertThat(session.getInitiatorName()).isEqualTo("iqn.2026-01.io.basalt:node-1");
            assertThat(session.getIsid()).isEqualTo("00023d000001");
            assertThat(session.getTsih()).isEqualTo(1);
            assertThat(session.getType()).isEqualTo(io.basalt.engine.management.v1.SessionType.NORMAL);
        });
    }

    @Test
    void growingResizesTheBackingFileAndKeepsTheData() throws Exception {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0x5a);
        device.write(SIZE - 512, Unpooled.wrappedBuffer(block), false).join();

        ResizeTargetResponse resized = client.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(4 * SIZE).build());

        assertThat(resized.getPreviousCapacityBytes()).isEqualTo(SIZE);
        assertThat(resized.getCapacityBytes()).isEqualTo(4 * SIZE);
        assertThat(Files.size(dir.resolve("lun.img"))).isEqualTo(4 * SIZE);
        assertThat(client.targetStatus(TargetStatusRequest.getDefaultInstance()).getCapacityBytes()).isEqualTo(4 * SIZE);
        var lastOldBlock = device.read(SIZE - 512, 512).join();
        try {
            assertThat(ByteBufUtil.getBytes(lastOldBlock)).isEqualTo(block);
        } finally {
            lastOldBlock.release();
        }
    }

    @Test
    void resizingToTheCurrentSizeSucceedsWithoutChange() {
        ResizeTargetResponse resized = client.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(SIZE).build());

        assertThat(resized.getPreviousCapacityBytes()).isEqualTo(SIZE);
        assertThat(resized.getCapacityBytes()).isEqualTo(SIZE);
    }

    @Test
    void shrinkingIsAFailedPreconditionThatSaysTargetsOnlyGrow() throws Exception {
        assertThatThrownBy(() -> client.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(SIZE / 2).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("cannot shrink", "only grow");
                });
        assertThat(Files.size(dir.resolve("lun.img"))).isEqualTo(SIZE);
    }

    @Test
    void sizeOffTheBlockGridIsAnInvalidArgument() {
        assertThatThrownBy(() -> client.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(SIZE + 100).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("512-byte block size");
                });
    }
}
