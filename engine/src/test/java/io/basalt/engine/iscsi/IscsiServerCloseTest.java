package io.basalt.engine.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.scsi.BlockScsiTarget;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing the target's network side leaves no connection open, logged in or not. */
class IscsiServerCloseTest {

    private static final int READ_TIMEOUT_MILLIS = 10_000;

    @TempDir
    Path dir;

    private FileBlockDevice device;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void openDevice() throws IOException {
        device = FileBlockDevice.open(dir.resolve("lun.img"), 1 << 20, 512, 1, PooledByteBufAllocator.DEFAULT);
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        device.close();
    }

    @Test
    void givenConnectionsNotLoggedIn_whenTheServerCloses_thenEachIsClosed() throws Exception {
        IscsiServer server = server(null);
        List<Socket> connected = connect(server, 4);

        server.close();

        connected.forEach(IscsiServerCloseTest::assertClosedByPeer);
    }

    @Test
    void givenConnectionLoopsSharedWithTheDevice_whenTheServerCloses_thenEachConnectionIsClosed() throws Exception {
        EventLoopGroup shared = new MultiThreadIoEventLoopGroup(1,
                Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            IscsiServer server = server(shared);
            List<Socket> connected = connect(server, 4);

            server.close();

            connected.forEach(IscsiServerCloseTest::assertClosedByPeer);
        } finally {
            shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private IscsiServer server(EventLoopGroup connectionLoops) {
        return new IscsiServer(TestInitiator.config(),
                new BlockScsiTarget(new LogicalUnit(LogicalUnitConfig.basalt("close"), device)), connectionLoops);
    }

    private List<Socket> connect(IscsiServer server, int count) throws Exception {
        InetSocketAddress address = server.start(new InetSocketAddress("127.0.0.1", 0));
        List<Socket> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket(address.getAddress(), address.getPort());
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            sockets.add(socket);
            connected.add(socket);
        }
        return connected;
    }

    private static void assertClosedByPeer(Socket socket) {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
            // closed with a reset: also closed
        } catch (IOException e) {
            throw new AssertionError("the connection stayed open after the server closed", e);
        }
    }
}
