package io.basalt.engine.replica.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How requests end when the pool does not answer: by timeout, or all at once when the connection drops. */
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
            CompletableFuture<ReplicaClient> connecting = connect(pool, Duration.ofSeconds(30));
            pool.acceptAndWelcome();
            ReplicaClient client = connecting.get(10, TimeUnit.SECONDS);
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
            CompletableFuture<ReplicaClient> connecting = connect(pool, Duration.ofSeconds(30));
            pool.acceptAndWelcome();
            ReplicaClient client = connecting.get(10, TimeUnit.SECONDS);
            client.close();

            assertThatThrownBy(() -> client.ping().get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ReplicaConnectionLostException.class);
        }
    }

    @Test
    void aRequestWithoutAnswerTimesOut() throws Exception {
        try (UnresponsivePool pool = new UnresponsivePool()) {
            CompletableFuture<ReplicaClient> connecting = connect(pool, Duration.ofMillis(500));
            pool.acceptAndWelcome();
            ReplicaClient client = connecting.get(10, TimeUnit.SECONDS);

            CompletableFuture<Void> flush = client.flush(0, -1);

            assertThatThrownBy(() -> flush.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ReplicaRequestTimeoutException.class)
                    .hasMessageContaining("Flush");
            client.close();
        }
    }

    private CompletableFuture<ReplicaClient> connect(UnresponsivePool pool, Duration timeout) {
        return ReplicaClient.connect(group, pool.address(), "vol", SECRET, timeout);
    }
}
