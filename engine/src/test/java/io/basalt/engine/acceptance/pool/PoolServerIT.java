package io.basalt.engine.acceptance.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.engine.acceptance.process.FreePort;
import io.basalt.engine.acceptance.process.Processes;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.replica.store.Replica;
import io.basalt.engine.replica.store.ReplicaPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool server from the shaded jar, administered with {@code ctl --pool}, killed with SIGKILL and restarted. */
class PoolServerIT {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jar = Path.of(System.getProperty("basalt.engine.jar", "target/basalt-engine.jar"));
    private Workspace workspace;
    private Path poolDir;
    private String mgmt;
    private Process pool;
    private int starts;

    @BeforeEach
    void prepare() throws IOException {
        workspace = Workspace.forTest("PoolServerIT");
        poolDir = Files.createDirectories(workspace.scratch().resolve("pool"));
        mgmt = "127.0.0.1:" + FreePort.onLoopback();
    }

    @AfterEach
    void cleanUp() {
        if (pool != null) {
            Processes.terminate(pool, Duration.ofSeconds(10));
        }
        workspace.close();
    }

    @Test
    void replicasSnapshotsAndFlushedDataSurviveKillNine() throws Exception {
        long flushedChecksum = writeAndFlushOutsideTheServer("data", 4L << 20);
        startPool();
        ctl("replica", "create", "vol-a", "--size", "8Mi");
        ctl("replica", "create", "vol-b", "--size", "1Gi");
        ctl("replica", "snapshot", "vol-a", "before-upgrade");
        ctl("replica", "create", "vol-a-copy", "--clone-of", "vol-a@before-upgrade");
        ctl("replica", "snapshot", "data", "s1");
        JsonNode before = JSON.readTree(ctl("--json", "replica", "list"));

        Processes.killTree(pool.toHandle(), Duration.ofSeconds(10));
        startPool();

        JsonNode after = JSON.readTree(ctl("--json", "replica", "list"));
        assertThat(names(after)).containsExactly("data", "vol-a", "vol-a-copy", "vol-b");
        assertThat(after).isEqualTo(before);
        assertThat(JSON.readTree(ctl("--json", "replica", "checksum", "data")).get("crc32c").asText())
                .isEqualTo(String.format("%08x", flushedChecksum));
        JsonNode status = JSON.readTree(ctl("--json", "status"));
        assertThat(status.get("replicaCount").asInt()).isEqualTo(4);
        assertThat(status.get("usedBytes").asLong()).isEqualTo(1L << 20);
        assertThat(status.get("health").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void sigtermStopsThePoolCleanlyWithExitZero() throws Exception {
        startPool();
        ctl("replica", "create", "vol-a", "--size", "1Mi");

        pool.destroy();

        assertThat(pool.waitFor()).isZero();
        pool = null;
    }

    /** 1 MiB of random data in a 4 MiB replica, written and flushed through the store before the server starts. */
    private long writeAndFlushOutsideTheServer(String name, long size) throws IOException {
        try (ReplicaPool store = ReplicaPool.open(poolDir)) {
            Replica replica = store.create(name, size);
            byte[] data = new byte[1 << 20];
            new Random(42).nextBytes(data);
            replica.write(size / 2, ByteBuffer.wrap(data), 1);
            replica.flush();
            return replica.checksum();
        }
    }

    private void startPool() throws IOException, InterruptedException {
        Path log = workspace.logs().resolve("pool-" + (++starts) + ".log");
        List<String> command = List.of(java(), "-jar", jar.toAbsolutePath().toString(), "pool",
                "--dir", poolDir.toString(), "--mgmt", mgmt);
        pool = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (output.contains("replica pool ready")) {
                return;
            }
            if (!pool.isAlive()) {
                throw new IllegalStateException("pool exited with " + pool.exitValue() + ":\n" + output);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("pool not ready within " + STARTUP_LIMIT + ":\n" + Files.readString(log));
    }

    private String ctl(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toAbsolutePath().toString(), "ctl",
                "--pool", mgmt));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, workspace.logs(), Duration.ofSeconds(30)).requireSuccess().stdout();
    }

    private static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.get("replicas").spliterator(), false)
                .map(replica -> replica.get("name").asText()).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
