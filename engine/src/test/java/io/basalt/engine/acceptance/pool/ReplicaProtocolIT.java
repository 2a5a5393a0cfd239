package io.basalt.engine.acceptance.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.testbed.FreePort;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaRequestFailedException;
import io.basalt.engine.replica.client.ReplicaState;
import io.basalt.engine.replica.protocol.ErrorCode;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The replica protocol of a pool server from the shaded jar, across a kill -9 and a restart. */
class ReplicaProtocolIT {

    private static final byte[] SECRET = "the-volume-secret-of-vol-a".getBytes(StandardCharsets.UTF_8);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int CHUNK = 64 * 1024;
    private static final int CHUNKS = 64;

    private Workspace workspace;
    private PoolServerProcess pool;
    private InetSocketAddress listen;
    private EventLoopGroup group;

    @BeforeEach
    void prepare() throws Exception {
        workspace = Workspace.forTest("ReplicaProtocolIT");
        Path poolDir = Files.createDirectories(workspace.scratch().resolve("pool"));
        listen = new InetSocketAddress("127.0.0.1", FreePort.onLoopback());
        pool = new PoolServerProcess(workspace, poolDir, List.of("--listen", "127.0.0.1:" + listen.getPort()));
        group = ReplicaClient.newEventLoopGroup(1);
    }

    @AfterEach
    void cleanUp() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        pool.close();
        workspace.close();
    }

    @Test
    void flushedWritesAndTheEpochSurviveKillNine() throws Exception {
        pool.start();
        Path secretFile = Files.write(workspace.scratch().resolve("vol-a.secret"), SECRET);
        pool.ctl("replica", "create", "vol-a", "--size", "16Mi", "--secret-file", secretFile.toString());
        byte[] content = new byte[CHUNK * CHUNKS];
        new Random(7).nextBytes(content);
        try (ReplicaClient client = connect(SECRET)) {
            await(client.setEpoch(2, 3, 2));
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < CHUNKS; i++) {
                byte[] chunk = Arrays.copyOfRange(content, i * CHUNK, (i + 1) * CHUNK);
                writes.add(client.write((long) i * CHUNK, chunk, i + 1, 2, false));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            await(client.flush(2, CHUNKS));
        }

        pool.killNine();
        pool.start();

        try (ReplicaClient client = connect(SECRET)) {
            assertThat(client.state()).isEqualTo(new ReplicaState(16L << 20, 2, 3, 2, CHUNKS, false));
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < CHUNKS; i++) {
                reads.add(client.read((long) i * CHUNK, CHUNK));
            }
            for (int i = 0; i < CHUNKS; i++) {
                assertThat(await(reads.get(i))).as("chunk %d", i)
                        .isEqualTo(Arrays.copyOfRange(content, i * CHUNK, (i + 1) * CHUNK));
            }
            assertThatThrownBy(() -> await(client.write(0, new byte[4096], CHUNKS + 1, 1, false)))
                    .cause().isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                            refused -> assertThat(refused.code()).isEqualTo(ErrorCode.STALE_EPOCH));
        }
        assertThatThrownBy(() -> connect("a-wrong-secret-for-vol-a".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(ReplicaRequestFailedException.class,
                        refused -> assertThat(refused.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    }

    private ReplicaClient connect(byte[] secret) throws Exception {
        return await(ReplicaClient.connect(group, listen, "vol-a", secret, ReplicaClient.Role.WRITER, TIMEOUT));
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
}
