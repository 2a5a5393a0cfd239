package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.protocol.VolumeProof;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One connection's session, driven frame by frame, with store calls run only when the test says so. */
class ReplicaSessionTest {

    private static final byte[] SECRET = "session-test-secret".getBytes(StandardCharsets.UTF_8);
    private static final int MAX_IN_FLIGHT = 4;

    @TempDir
    Path dir;

    private ReplicaPool pool;
    private ReplicaSecrets secrets;
    private final Deque<Runnable> storeCalls = new ArrayDeque<>();
    private final WriterSessions writers = new WriterSessions();
    private final List<RegionPuller> pullers = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void open() throws Exception {
        pool = ReplicaPool.open(dir);
        secrets = ReplicaSecrets.open(dir);
        pool.create("vol", 1 << 20);
        secrets.store("vol", SECRET);
        channel = new EmbeddedChannel(newSession());
    }

    @AfterEach
    void close() throws Exception {
        channel.finishAndReleaseAll();
        pullers.forEach(RegionPuller::close);
        pool.close();
    }

    @Test
    void aRequestBeforeHelloIsAnsweredNotAuthenticated() {
        challenge();

        channel.writeInbound(new Frame(3, new Message.Read(0, 4096)));

        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(3,
                new Message.Failure(ErrorCode.NOT_AUTHENTICATED, "send HELLO first")));
        assertThat(storeCalls).isEmpty();
    }

    @Test
    void readingPausesWhileTheHelloIsChecked() {
        channel.writeInbound(new Frame(1, new Message.Hello("vol", true, VolumeProof.compute(SECRET, challenge(), "vol"))));
        assertThat(channel.config().isAutoRead()).isFalse();

        storeCalls.poll().run();
        channel.runPendingTasks();

        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(answer().message()).isInstanceOf(Message.Welcome.class);
    }

    @Test
    void aSecondHelloIsInvalid() {
        authenticate();

        channel.writeInbound(new Frame(2, new Message.Hello("vol", true, new byte[32])));

        assertThat(((Message.Failure) answer().message()).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void readingPausesAtTheInFlightLimitAndResumesWhenARequestFinishes() {
        authenticate();

        for (int i = 0; i < MAX_IN_FLIGHT - 1; i++) {
            channel.writeInbound(new Frame(10 + i, new Message.Flush(0, -1)));
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        channel.writeInbound(new Frame(20, new Message.Flush(0, -1)));
        assertThat(channel.config().isAutoRead()).isFalse();

        storeCalls.poll().run();
        channel.runPendingTasks();

        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(10, new Message.Done()));
    }

    @Test
    void requestsReadPastTheInFlightLimitWaitAndAreServedInOrderAsOthersFinish() {
        authenticate();
        Object[] flushes = new Object[MAX_IN_FLIGHT + 2];
        for (int i = 0; i < flushes.length; i++) {
            flushes[i] = new Frame(10 + i, new Message.Flush(0, -1));
        }

        channel.writeInbound(flushes); // one read from the socket holding them all

        assertThat(storeCalls).hasSize(MAX_IN_FLIGHT);
        storeCalls.poll().run();
        channel.runPendingTasks();
        assertThat(storeCalls).hasSize(MAX_IN_FLIGHT);
        assertThat(channel.config().isAutoRead()).isFalse();
        while (!storeCalls.isEmpty()) {
            storeCalls.poll().run();
            channel.runPendingTasks();
        }
        assertThat(channel.config().isAutoRead()).isTrue();
        for (int i = 0; i < flushes.length; i++) {
            assertThat(answer().requestId()).isEqualTo(10 + i);
        }
    }

    @Test
    void nothingIsServedWhileAnswersWaitForTheClientToReadThem() {
        authenticate();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);

        channel.writeInbound(new Frame(5, new Message.Ping()), new Frame(6, new Message.Flush(0, -1)));

        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat((Object) answer()).isNull();
        assertThat(storeCalls).isEmpty();
    }

    @Test
    void requestsThatWaitedForTheClientToReadAreServedOnceItDoes() {
        authenticate();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.writeInbound(new Frame(5, new Message.Ping()), new Frame(6, new Message.Flush(0, -1)));

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks(); // Netty tells of a channel writable again in a task of its own

        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(5, new Message.Done()));
        assertThat(storeCalls).hasSize(1);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void requestsPipelinedBehindTheHelloAreServedOnceItIsAccepted() {
        byte[] nonce = challenge();

        channel.writeInbound(new Frame(1, new Message.Hello("vol", true, VolumeProof.compute(SECRET, nonce, "vol"))),
                new Frame(2, new Message.Ping()));
        storeCalls.poll().run();
        channel.runPendingTasks();

        assertThat(answer().message()).isInstanceOf(Message.Welcome.class);
        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(2, new Message.Done()));
    }

    @Test
    void theFirstWriteSinceTheMarkIsServedByAWorkerAndTheNextOnTheEventLoop() {
        authenticate();

        channel.writeInbound(new Frame(5, new Message.Write(0, 1, 0, false, Unpooled.wrappedBuffer(new byte[4096]))));
        assertThat(storeCalls).hasSize(1);
        storeCalls.poll().run();
        channel.runPendingTasks();
        channel.writeInbound(new Frame(6, new Message.Write(4096, 2, 0, false,
                Unpooled.wrappedBuffer(new byte[4096]))));
        channel.flushOutbound();

        assertThat(storeCalls).isEmpty();
        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(5, new Message.Done()));
        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(6, new Message.Done()));
    }

    @Test
    void aWriteWhoseConnectionClosedBeforeAWorkerTookItIsNotApplied() throws Exception {
        authenticate();
        byte[] data = new byte[8192];
        Arrays.fill(data, (byte) 7);
        channel.writeInbound(new Frame(5, new Message.Write(0, 1, 0, false, Unpooled.wrappedBuffer(data))));

        channel.close(); // the writer gave up on it, and may since have written the range anew elsewhere
        storeCalls.poll().run();

        assertThat(pool.replica("vol").read(0, data.length)).isEqualTo(new byte[data.length]);
    }

    @Test
    void aNewerWritersConnectionClosesTheOlderOneWhoseWritesNoWorkerHadTakenAreNotApplied() throws Exception {
        authenticate();
        byte[] data = new byte[8192];
        Arrays.fill(data, (byte) 7);
        channel.writeInbound(new Frame(5, new Message.Write(0, 1, 0, false, Unpooled.wrappedBuffer(data))));

        EmbeddedChannel newer = new EmbeddedChannel(newSession()); // the target gave up on the first and came back
        authenticate(newer, true);
        storeCalls.poll().run();

        assertThat(channel.isOpen()).isFalse();
        assertThat(pool.replica("vol").read(0, data.length)).isEqualTo(new byte[data.length]);
        newer.finishAndReleaseAll();
    }

    @Test
    void aReadersConnectionLeavesTheWritersOpen() {
        authenticate();

        EmbeddedChannel reader = new EmbeddedChannel(newSession());
        authenticate(reader, false);

        assertThat(channel.isOpen()).isTrue();
        reader.finishAndReleaseAll();
    }

    @Test
    void aPingIsAnsweredAtOnceWithoutWaitingForAStoreCall() {
        authenticate();

        channel.writeInbound(new Frame(5, new Message.Ping()));
        channel.flushOutbound();

        assertThat(answer()).usingRecursiveComparison().isEqualTo(new Frame(5, new Message.Done()));
        assertThat(storeCalls).isEmpty();
    }

    @Test
    void aReadLongerThanAFrameCanCarryIsInvalidAndTheConnectionStaysOpen() {
        authenticate();

        channel.writeInbound(new Frame(5, new Message.Read(0, (1 << 20) + 1)));
        storeCalls.poll().run();
        channel.runPendingTasks();

        assertThat(((Message.Failure) answer().message()).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aSparseReadIsAnsweredWithTheDataOfItsRunsOfDataAlone() throws Exception {
        byte[] first = new byte[4096];
        byte[] third = new byte[4096];
        Arrays.fill(first, (byte) 1);
        Arrays.fill(third, (byte) 3);
        pool.replica("vol").write(0, ByteBuffer.wrap(first), 1);
        pool.replica("vol").write(4096, ByteBuffer.allocate(4096), 2);
        pool.replica("vol").write(8192, ByteBuffer.wrap(third), 3);
        authenticate();

        channel.writeInbound(new Frame(6, new Message.ReadSparse(0, 3 * 4096)));
        storeCalls.poll().run();
        channel.runPendingTasks();

        Message.SparseData answer = (Message.SparseData) answer().message();
        assertThat(answer.runs()).containsExactly(new Message.Extent(0, 4096, true),
                new Message.Extent(4096, 4096, false), new Message.Extent(8192, 4096, true));
        assertThat(ByteBufUtil.getBytes(answer.data())).isEqualTo(concat(first, third));
        answer.data().release();
    }

    @Test
    void aProtocolViolationClosesTheConnection() {
        EmbeddedChannel wire = new EmbeddedChannel(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES), newSession());

        wire.writeOneInbound(Unpooled.buffer().writeInt(Integer.MAX_VALUE).writeZero(16));
        wire.runPendingTasks();

        assertThat(wire.isOpen()).isFalse();
        wire.finishAndReleaseAll();
    }

    private ReplicaSession newSession() {
        EpochGate epochs = new EpochGate();
        WrittenRegionLog regions = new WrittenRegionLog();
        RegionPuller puller = new RegionPuller(secrets, epochs, regions, storeCalls::add, Duration.ofSeconds(5));
        pullers.add(puller);
        return new ReplicaSession(pool, secrets, epochs, regions, puller, writers, storeCalls::add,
                new ServerLimits(1, MAX_IN_FLIGHT, FrameCodec.DEFAULT_MAX_FRAME_BYTES), 1 << 20);
    }

    private byte[] challenge() {
        return ((Message.Challenge) answer().message()).nonce();
    }

    private void authenticate() {
        authenticate(channel, true);
    }

    /** Runs the HELLO's store call alone: calls queued before it stay queued. */
    private void authenticate(EmbeddedChannel connection, boolean writer) {
        byte[] nonce = ((Message.Challenge) connection.<Frame>readOutbound().message()).nonce();
        connection.writeInbound(new Frame(1, new Message.Hello("vol", writer, VolumeProof.compute(SECRET, nonce, "vol"))));
        storeCalls.pollLast().run();
        connection.runPendingTasks();
        assertThat(connection.<Frame>readOutbound().message()).isInstanceOf(Message.Welcome.class);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private Frame answer() {
        return channel.readOutbound();
    }
}
