package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaRequestFailedException;
import io.basalt.engine.replica.client.ReplicaState;
import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.EpochQuorum;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica protocol served over loopback from a real pool in a temporary directory. */
class ReplicaProtocolServerTest {

    private static final long SIZE = 8L << 20;
    private static final byte[] SECRET = "volume-secret-0123456789".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ReplicaPool pool;
    private ReplicaProtocolServer server;
    private EventLoopGroup group;
    private final List<ReplicaClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pool = ReplicaPool.open(dir);
        ReplicaSecrets secrets = ReplicaSecrets.open(dir);
        pool.create("vol", SIZE);
        secrets.store("vol", SECRET);
        pool.create("other", SIZE);
        secrets.store("other", "another-volume-secret".getBytes(StandardCharsets.UTF_8));
        server = ReplicaProtocolServer.start(new InetSocketAddress("127.0.0.1", 0), pool, secrets,
                new ServerLimits(2, 8, FrameCodec.DEFAULT_MAX_FRAME_BYTES));
        group = ReplicaClient.newEventLoopGroup(1);
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(ReplicaClient::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        server.close();
        pool.close();
    }

    @Test
    void anAuthenticatedClientLearnsTheReplicaState() throws Exception {
        pool.replica("vol").setEpoch(3, new EpochQuorum(3, 2));
        pool.replica("vol").markConsistentThrough(41);

        ReplicaClient client = connect("vol", SECRET);

        assertThat(client.state()).isEqualTo(new ReplicaState(SIZE, 3, 3, 2, 41, false));
    }

    @Test
    void aWrongSecretIsRefused() {
        assertRefused(() -> connect("vol", "not-the-volume-secret".getBytes(StandardCharsets.UTF_8)),
                ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void anotherVolumesSecretIsRefused() {
        assertRefused(() -> connect("other", SECRET), ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void anUnknownReplicaIsRefusedLikeAWrongSecret() {
        assertRefused(() -> connect("missing", SECRET), ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void writtenDataReadsBack() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        byte[] data = pattern(64 * 1024, 1);

        await(client.write(12_288, data, 1, 0, false));

        assertThat(await(client.read(12_288, data.length))).isEqualTo(data);
        assertThat(pool.replica("vol").read(12_288, data.length)).isEqualTo(data);
    }

    /** Repeated, because a connection was left open only now and then. */
    @Test
    void givenRequestsUnderWay_whenTheServerCloses_thenEveryConnectionCloses() throws Exception {
        for (int round = 0; round < 10; round++) {
            List<ReplicaClient> busy = new ArrayList<>();
            for (int connection = 0; connection < 6; connection++) {
                busy.add(connect("vol", SECRET));
            }
            busy.forEach(ReplicaProtocolServerTest::keepFlushing);
            Thread.sleep(10);

            server.close();

            for (ReplicaClient client : busy) {
                assertThat(client.closed()).as("connection %s of round %s", busy.indexOf(client), round)
                        .succeedsWithin(TIMEOUT);
            }
            restartPool();
        }
    }

    @Test
    void anIdleConnectionStaysOpenWhileThePoolAnswersItsProbes() throws Exception {
        ReplicaClient client = await(ReplicaClient.connect(group, server.address(), "vol", SECRET,
                ReplicaClient.Role.WRITER, Duration.ofMillis(200)));
        clients.add(client);

        Awaitility.await().during(Duration.ofSeconds(2)).atMost(TIMEOUT).until(client::isOpen);
    }

    @Test
    void aClientThatReadsNoAnswersHoldsOnlyAFewOfThemOnThePool() throws Exception {
        long before = poolBuffers();
        try (RawReplicaConnection raw = new RawReplicaConnection(server.address())) {
            assertThat(raw.authenticate("vol", SECRET)).isInstanceOf(Message.Welcome.class);

            Frame[] reads = new Frame[300];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = new Frame(10 + i, new Message.Read((i % 8L) << 20, 1 << 20));
            }
            raw.send(reads); // 300 MiB of answers asked for, none read

            long held = 0;
            for (long end = System.nanoTime() + Duration.ofSeconds(3).toNanos(); System.nanoTime() < end; ) {
                held = Math.max(held, poolBuffers() - before);
                Thread.sleep(10);
            }
            // 8 answers being read and about 8 MiB of them queued for the socket
            assertThat(held).isLessThan(64L << 20);
        }
    }

    @Test
    void anUnmappedRangeReadsAsZeros() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(16_384, 2), 1, 0, false));

        await(client.unmap(4096, 8192, 2, 0));

        byte[] content = await(client.read(0, 16_384));
        assertThat(Arrays.copyOfRange(content, 4096, 12_288)).containsOnly(0);
        assertThat(Arrays.copyOfRange(content, 0, 4096)).isEqualTo(Arrays.copyOfRange(pattern(16_384, 2), 0, 4096));
    }

    @Test
    void aFlushPersistsTheConsistentSequence() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 3), 7, 0, true));

        await(client.flush(0, 7));

        assertThat(pool.replica("vol").consistentThrough()).isEqualTo(7);
    }

    @Test
    void aWriteFromAnOlderEpochIsRefusedAndChangesNothing() throws Exception {
        await(connect("vol", SECRET).setEpoch(5, 2, 2));
        ReplicaClient stale = connect("vol", SECRET); // a target the volume has moved on from, connecting again

        assertRefused(() -> await(stale.write(0, pattern(4096, 4), 1, 4, false)), ErrorCode.STALE_EPOCH);
        assertRefused(() -> await(stale.unmap(0, 4096, 1, 4)), ErrorCode.STALE_EPOCH);
        assertRefused(() -> await(stale.flush(4, 1)), ErrorCode.STALE_EPOCH);

        assertThat(pool.replica("vol").read(0, 4096)).containsOnly(0);
        assertThat(pool.replica("vol").epoch()).isEqualTo(5);
    }

    @Test
    void aNewerWritersConnectionClosesTheOlderOne() throws Exception {
        ReplicaClient older = connect("vol", SECRET);

        ReplicaClient newer = connect("vol", SECRET);

        await(older.closed());
        await(newer.write(0, pattern(4096, 4), 1, 0, false));
    }

    @Test
    void aReadersConnectionLeavesTheWritersOpen() throws Exception {
        ReplicaClient writer = connect("vol", SECRET);

        ReplicaClient reader = await(ReplicaClient.connect(group, server.address(), "vol", SECRET,
                ReplicaClient.Role.READER, TIMEOUT));
        clients.add(reader);

        await(writer.write(0, pattern(4096, 4), 1, 0, false));
        assertThat(await(reader.read(0, 4096))).isEqualTo(pattern(4096, 4));
    }

    @Test
    void theEpochDoesNotGoBack() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.setEpoch(9, 2, 2));

        assertRefused(() -> await(client.setEpoch(8, 2, 2)), ErrorCode.STALE_EPOCH);
        assertThat(pool.replica("vol").epoch()).isEqualTo(9);
    }

    @Test
    void aWriteBeyondTheEndIsOutOfRange() throws Exception {
        ReplicaClient client = connect("vol", SECRET);

        assertRefused(() -> await(client.write(SIZE - 4096, pattern(8192, 5), 1, 0, false)), ErrorCode.OUT_OF_RANGE);
        client.ping().get(10, TimeUnit.SECONDS); // the connection is still usable
    }

    @Test
    void aTransferLargerThanAFrameIsRejectedBeforeItIsSent() throws Exception {
        ReplicaClient client = connect("vol", SECRET);

        assertThatThrownBy(() -> client.read(0, FrameCodec.MAX_DATA_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.write(0, new byte[FrameCodec.MAX_DATA_BYTES + 4096], 1, 0, false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLargestTransferRoundTrips() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        byte[] data = pattern(FrameCodec.MAX_DATA_BYTES, 8);

        await(client.write(0, data, 1, 0, false));

        assertThat(await(client.read(0, data.length))).isEqualTo(data);
    }

    @Test
    void manyPipelinedRequestsAreEachAnsweredCorrectly() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        int blocks = 1000;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            writes.add(client.write(i * 4096L, pattern(4096, 100 + i), i, 0, false));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        List<CompletableFuture<byte[]>> reads = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            reads.add(client.read(i * 4096L, 4096));
        }

        for (int i = 0; i < blocks; i++) {
            assertThat(reads.get(i).get(60, TimeUnit.SECONDS)).as("block %d", i).isEqualTo(pattern(4096, 100 + i));
        }
    }

    @Test
    void connectionsToDifferentReplicasAreIndependent() throws Exception {
        ReplicaClient vol = connect("vol", SECRET);
        ReplicaClient other = connect("other", "another-volume-secret".getBytes(StandardCharsets.UTF_8));

        await(vol.write(0, pattern(4096, 6), 1, 0, false));

        assertThat(await(other.read(0, 4096))).containsOnly(0);
    }

    @Test
    void aSnapshotIsTakenOnceAndRepeatingItSucceeds() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 7), 1, 0, false));

        await(client.snapshot("s1", 0));
        await(client.snapshot("s1", 0));

        assertThat(pool.replica("vol").listSnapshots()).extracting(snapshot -> snapshot.name()).containsExactly("s1");
    }

    @Test
    void aSnapshotFromAnOlderEpochIsRefused() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.setEpoch(4, 2, 2));

        assertRefused(() -> await(client.snapshot("s1", 3)), ErrorCode.STALE_EPOCH);
        assertThat(pool.replica("vol").listSnapshots()).isEmpty();
    }

    @Test
    void aResizeGrowsTheReplicaAndRepeatingItSucceeds() throws Exception {
        ReplicaClient client = connect("vol", SECRET);

        await(client.resize(2 * SIZE, 0));
        await(client.resize(2 * SIZE, 0));

        assertThat(pool.replica("vol").size()).isEqualTo(2 * SIZE);
    }

    @Test
    void aResizeToASmallerSizeIsRefused() throws Exception {
        ReplicaClient client = connect("vol", SECRET);

        assertRefused(() -> await(client.resize(SIZE / 2, 0)), ErrorCode.INVALID_REQUEST);
    }

    @Test
    void theAllocationOfARangeListsMappedAndDeallocatedExtentsInOrder() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(64 << 10, pattern(8192, 8), 1, 0, false));

        List<Message.Extent> extents = await(client.allocation(0, 1 << 20));

        assertThat(extents).containsExactly(new Message.Extent(0, 64 << 10, false),
                new Message.Extent(64 << 10, 8192, true),
                new Message.Extent((64 << 10) + 8192, (1 << 20) - (64 << 10) - 8192, false));
    }

    @Test
    void writtenRegionsListTheHighestSequenceOfEachRegionSinceTheLastMark() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 9), 5, 0, false));
        await(client.flush(0, 5));
        await(client.write(4096, pattern(4096, 10), 6, 0, false));
        await(client.write(0, pattern(4096, 11), 8, 0, false));
        await(client.unmap(3L << 16, 1L << 16, 7, 0));

        Message.WrittenRegions regions = await(client.writtenRegions(0));

        assertThat(regions.complete()).isTrue();
        assertThat(regions.regions()).containsExactly(0, 3);
        assertThat(regions.sequences()).containsExactly(8, 7);
        assertThat(regions.nextRegion()).isEqualTo(-1);
    }

    @Test
    void aNewReplicaListsEveryWriteFromTheStart() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 12), 1, 0, false));

        Message.WrittenRegions regions = await(client.writtenRegions(0));

        assertThat(regions.complete()).isTrue();
        assertThat(regions.regions()).containsExactly(0);
    }

    @Test
    void givenNothingWrittenSinceTheMark_whenThePoolRestarts_thenTheListIsCompleteAndEmpty() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 13), 1, 0, false));
        await(client.flush(0, 1));

        restartPool();

        Message.WrittenRegions regions = await(connect("vol", SECRET).writtenRegions(0));
        assertThat(regions.complete()).isTrue();
        assertThat(regions.regions()).isEmpty();
    }

    @Test
    void givenAWriteSinceTheMark_whenThePoolRestarts_thenTheListIsIncomplete() throws Exception {
        ReplicaClient client = connect("vol", SECRET);
        await(client.write(0, pattern(4096, 14), 1, 0, false));
        await(client.flush(0, 1));
        await(client.unmap(1L << 16, 4096, 2, 0));

        restartPool();

        assertThat(await(connect("vol", SECRET).writtenRegions(0)).complete()).isFalse();
    }

    @Test
    void givenAnIncompleteListAfterARestart_whenAMarkCoversEveryWrite_thenTheListIsCompleteAgain() throws Exception {
        await(connect("vol", SECRET).write(0, pattern(4096, 15), 1, 0, false));
        restartPool();
        ReplicaClient client = connect("vol", SECRET);

        await(client.flush(0, 1));

        assertThat(await(client.writtenRegions(0)).complete()).isTrue();
    }

    /** The pool process ends and starts again on the same directory: only what is durable remains. */
    private void restartPool() throws Exception {
        clients.forEach(ReplicaClient::close);
        clients.clear();
        server.close();
        pool.close();
        pool = ReplicaPool.open(dir);
        server = ReplicaProtocolServer.start(new InetSocketAddress("127.0.0.1", 0), pool, ReplicaSecrets.open(dir),
                new ServerLimits(2, 8, FrameCodec.DEFAULT_MAX_FRAME_BYTES));
    }

    private ReplicaClient connect(String replica, byte[] secret) throws Exception {
        ReplicaClient client = await(ReplicaClient.connect(group, server.address(), replica, secret, ReplicaClient.Role.WRITER, TIMEOUT));
        clients.add(client);
        return client;
    }

    /** Sends flushes one after the other until the connection closes. */
    private static void keepFlushing(ReplicaClient client) {
        Thread.ofPlatform().daemon().start(() -> {
            try {
                while (client.isOpen()) {
                    client.flush(0, 0).get();
                }
            } catch (InterruptedException | ExecutionException e) {
                // the connection closed under the flush: what the test waits for
            }
        });
    }

    /** Direct memory taken from the allocator the pool's connections use. */
    private static long poolBuffers() {
        return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void assertRefused(ThrowingCallable request, ErrorCode code) {
        assertThatThrownBy(request).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ReplicaRequestFailedException.class)
                .satisfies(failure -> assertThat(((ReplicaRequestFailedException) failure).code()).isEqualTo(code));
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
