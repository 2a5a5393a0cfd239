package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaRequestFailedException;
import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.EpochQuorum;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool copying a range into one of its replicas from a replica on another pool, reading it itself. */
class RegionCopyTest {

    private static final long SIZE = 2 * RegionPuller.WINDOW_BYTES + (4L << 20);
    private static final int MIB = 1 << 20;
    private static final byte[] SECRET = "volume-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path sourceDir;

    @TempDir
    Path destinationDir;

    @TempDir
    Path strangerDir;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private ReplicaPool sourcePool;
    private ReplicaPool destinationPool;
    private ReplicaProtocolServer source;
    private ReplicaProtocolServer destination;
    private EventLoopGroup group;

    @BeforeEach
    void start() throws Exception {
        sourcePool = pool(sourceDir, SECRET);
        destinationPool = pool(destinationDir, SECRET);
        source = serve(sourcePool, sourceDir);
        destination = serve(destinationPool, destinationDir);
        group = ReplicaClient.newEventLoopGroup(1);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theDestinationEndsUpHoldingTheRangeAsTheSourceHoldsIt() throws Exception {
        byte[] first = pattern(MIB + 4096, 1);
        byte[] second = pattern(3 * 4096, 2);
        sourcePool.replica("vol").write(4096, ByteBuffer.wrap(first), 1);
        sourcePool.replica("vol").write(5L * MIB, ByteBuffer.wrap(second), 2);
        destinationPool.replica("vol").write(0, ByteBuffer.wrap(pattern((int) SIZE, 3)), 1);
        ReplicaClient client = connect(destination.address());

        client.copyFrom(0, SIZE, source.address(), "vol", 9, 0).get(30, TimeUnit.SECONDS);

        assertThat(destinationPool.replica("vol").read(0, (int) SIZE))
                .isEqualTo(sourcePool.replica("vol").read(0, (int) SIZE));
        assertThat(client.allocation(0, SIZE).get(30, TimeUnit.SECONDS))
                .isEqualTo(connect(source.address()).allocation(0, SIZE).get(30, TimeUnit.SECONDS));
    }

    @Test
    void aRangeLongerThanAWindowIsCopiedWindowByWindowToItsEnd() throws Exception {
        byte[] data = pattern((int) SIZE, 4);
        sourcePool.replica("vol").write(0, ByteBuffer.wrap(data), 1);
        ReplicaClient client = connect(destination.address());

        client.copyFrom(0, SIZE, source.address(), "vol", 9, 0).get(30, TimeUnit.SECONDS);

        assertThat(destinationPool.replica("vol").read(0, (int) SIZE)).isEqualTo(data);
    }

    @Test
    void aFragmentedRangeEndsUpWithTheSameRunsAndHolesAsTheSource() throws Exception {
        for (long run = 0; run < 256; run++) { // runs of three blocks, each followed by a hole of one
            sourcePool.replica("vol").write(run * 16384, ByteBuffer.wrap(pattern(3 * 4096, run + 10)), run + 1);
        }
        destinationPool.replica("vol").write(0, ByteBuffer.wrap(pattern(4 * MIB, 4)), 1);
        ReplicaClient client = connect(destination.address());

        client.copyFrom(0, 4L * MIB, source.address(), "vol", 300, 0).get(30, TimeUnit.SECONDS);

        assertThat(destinationPool.replica("vol").read(0, 4 * MIB))
                .isEqualTo(sourcePool.replica("vol").read(0, 4 * MIB));
        assertThat(client.allocation(0, 4L * MIB).get(30, TimeUnit.SECONDS))
                .isEqualTo(connect(source.address()).allocation(0, 4L * MIB).get(30, TimeUnit.SECONDS));
    }

    @Test
    void blocksOfZerosOnTheSourceAreLeftDeallocatedOnTheDestination() throws Exception {
        byte[] data = pattern(MIB, 5);
        Arrays.fill(data, 256 * 1024, 264 * 1024, (byte) 0);
        sourcePool.replica("vol").write(0, ByteBuffer.wrap(data), 1);
        destinationPool.replica("vol").write(0, ByteBuffer.wrap(pattern(MIB, 6)), 1);
        ReplicaClient client = connect(destination.address());

        client.copyFrom(0, MIB, source.address(), "vol", 9, 0).get(30, TimeUnit.SECONDS);

        assertThat(destinationPool.replica("vol").read(0, MIB)).isEqualTo(data);
        assertThat(client.allocation(0, MIB).get(30, TimeUnit.SECONDS)).containsExactly(
                new Message.Extent(0, 256 * 1024, true), new Message.Extent(256 * 1024, 8 * 1024, false),
                new Message.Extent(264 * 1024, MIB - 264 * 1024, true));
    }

    @Test
    void aSourceThatCannotBeReachedIsReportedAsTheSourceFailing() throws Exception {
        InetSocketAddress nobody;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = (InetSocketAddress) closed.getLocalSocketAddress();
        }
        ReplicaClient client = connect(destination.address());

        assertThatThrownBy(() -> client.copyFrom(0, MIB, nobody, "vol", 9, 0).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.SOURCE_FAILED));
    }

    @Test
    void aSourceThatRefusesTheDestinationsSecretIsReportedAsTheSourceFailing() throws Exception {
        byte[] otherSecret = "a-different-secret-here".getBytes(StandardCharsets.UTF_8);
        ReplicaProtocolServer stranger = serve(pool(strangerDir, otherSecret), strangerDir);
        ReplicaClient client = ReplicaClient.connect(group, stranger.address(), "vol", otherSecret, ReplicaClient.Role.WRITER, TIMEOUT)
                .get(30, TimeUnit.SECONDS);
        resources.add(client);

        assertThatThrownBy(() -> client.copyFrom(0, MIB, source.address(), "vol", 9, 0).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.SOURCE_FAILED));
    }

    @Test
    void aCopyOfAnOlderEpochIsRefusedAndChangesNothing() throws Exception {
        sourcePool.replica("vol").write(0, ByteBuffer.wrap(pattern(MIB, 4)), 1);
        destinationPool.replica("vol").setEpoch(5, new EpochQuorum(3, 2));
        ReplicaClient client = connect(destination.address());

        assertThatThrownBy(() -> client.copyFrom(0, MIB, source.address(), "vol", 9, 3).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.STALE_EPOCH));
        assertThat(destinationPool.replica("vol").read(0, MIB)).isEqualTo(new byte[MIB]);
    }

    @Test
    void aCopyBeyondTheEndIsOutOfRange() throws Exception {
        ReplicaClient client = connect(destination.address());

        assertThatThrownBy(() -> client.copyFrom(SIZE - 4096, 8192, source.address(), "vol", 9, 0)
                .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.OUT_OF_RANGE));
    }

    @Test
    void aCopyFromPortZeroIsAnInvalidRequestAndTheConnectionStaysOpen() throws Exception {
        ReplicaClient client = connect(destination.address());

        assertThatThrownBy(() -> client.copyFrom(0, 4096, new InetSocketAddress("127.0.0.1", 0), "vol", 9, 0)
                .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThat(client.isOpen()).isTrue();
    }

    private ReplicaPool pool(Path dir, byte[] secret) throws Exception {
        ReplicaPool pool = ReplicaPool.open(dir);
        resources.add(pool);
        pool.create("vol", SIZE);
        ReplicaSecrets.open(dir).store("vol", secret);
        return pool;
    }

    private ReplicaProtocolServer serve(ReplicaPool pool, Path dir) throws Exception {
        ReplicaProtocolServer server = ReplicaProtocolServer.start(new InetSocketAddress("127.0.0.1", 0), pool,
                ReplicaSecrets.open(dir), new ServerLimits(2, 8, FrameCodec.DEFAULT_MAX_FRAME_BYTES));
        resources.add(server);
        return server;
    }

    private ReplicaClient connect(InetSocketAddress address) throws Exception {
        ReplicaClient client = ReplicaClient.connect(group, address, "vol", SECRET, ReplicaClient.Role.WRITER, TIMEOUT).get(30, TimeUnit.SECONDS);
        resources.add(client);
        return client;
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
