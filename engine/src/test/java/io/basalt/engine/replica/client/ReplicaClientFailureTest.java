package io.basalt.engine.replica.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.protocol.ProtocolViolationException;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How requests end when the pool does not answer (by timeout, or all at once when the connection
 * drops) or answers what it should not.
 */
class ReplicaClientFailureTest {

    private static final byte[] SECRET = "sixteen-byte-key".getBytes();

    private final EventLoopGroup group = ReplicaClient.newEventLoopGroup(1);

    @AfterEach
    void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void losingTheConnectionFailsEveryPendingRequest() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofSeconds(30));
            List<CompletableFuture<byte[]>> reads = IntStream.range(0, 20)
                    .mapToObj(i -> client.read(i * 4096L, 4096)).toList();
            Thread.sleep(200);
            assertThat(reads).noneMatch(CompletableFuture::isDone);

            pool.dropConnection();

            for (CompletableFuture<byte[]> read : reads) {
                assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(ReplicaConnectionLostException.class);
            }
        }
    }

    @Test
    void aRequestAfterTheConnectionIsLostFailsAtOnce() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofSeconds(30));
            client.close();

            assertThatThrownBy(() -> client.ping().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ReplicaConnectionLostException.class);
        }
    }

    @Test
    void aSparseReadAnsweredWithRunsThatDoNotCoverItIsAViolationThatClosesTheConnection() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofSeconds(30));
            CompletableFuture<Message.SparseData> read = client.readSparse(0, 8192);

            pool.answer(new Frame(2, new Message.SparseData(List.of(new Message.Extent(0, 4096, false)),
                    Unpooled.EMPTY_BUFFER)));

            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ProtocolViolationException.class).hasMessageContaining("runs");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isOpen());
        }
    }

    @Test
    void anAllocationAnsweredWithAGapIsAViolationThatClosesTheConnection() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofSeconds(30));
            CompletableFuture<List<Message.Extent>> allocation = client.allocation(0, 3 * 4096);

            pool.answer(new Frame(2, new Message.Extents(List.of(new Message.Extent(0, 4096, true),
                    new Message.Extent(8192, 4096, false)))));

            assertThatThrownBy(() -> allocation.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ProtocolViolationException.class).hasMessageContaining("allocation");
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isOpen());
        }
    }

    @Test
    void aRequestWithoutAnswerTimesOut() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofMillis(500));

            CompletableFuture<Void> flush = client.flush(0, -1);

            assertThatThrownBy(() -> flush.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ReplicaRequestTimeoutException.class)
                    .hasMessageContaining("Flush");
            client.close();
        }
    }

    @Test
    void anIdleConnectionToAPoolThatAnswersNothingIsClosed() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            ReplicaClient client = welcomed(pool, Duration.ofMillis(500));

            assertThat(client.closed()).succeedsWithin(Duration.ofSeconds(10));
            assertThat(client.closeReason()).contains("Ping", "got no answer within");
        }
    }

    /** A client connected to {@code pool} and welcomed, whose requests time out after {@code timeout}. */
    private ReplicaClient welcomed(UnresponsivePool pool, Duration timeout) throws Exception {
        CompletableFuture<ReplicaClient> connecting = ReplicaClient.connect(group, pool.address(), "vol", SECRET,
                ReplicaClient.Role.WRITER, timeout);
        pool.acceptAndWelcome();
        return connecting.get(10, TimeUnit.SECONDS);
    }
}
