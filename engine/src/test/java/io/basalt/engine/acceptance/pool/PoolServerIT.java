package io.basalt.engine.acceptance.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.replica.store.Replica;
import io.basalt.engine.replica.store.ReplicaPool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool server from the shaded jar, administered with {@code ctl --pool}, killed with SIGKILL and restarted. */
class PoolServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Workspace workspace;
    private Path poolDir;
    private PoolServerProcess pool;

    @BeforeEach
    void prepare() throws IOException {
        workspace = Workspace.forTest("PoolServerIT");
        poolDir = Files.createDirectories(workspace.scratch().resolve("pool"));
        pool = new PoolServerProcess(workspace, poolDir, List.of());
    }

    @AfterEach
    void cleanUp() {
        pool.close();
        workspace.close();
    }

    @Test
    void replicasSnapshotsAndFlushedDataSurviveKillNine() throws Exception {
        long flushedChecksum = writeAndFlushOutsideTheServer("data", 4L << 20);
        pool.start();
        pool.ctl("replica", "create", "vol-a", "--size", "8Mi");
        pool.ctl("replica", "create", "vol-b", "--size", "1Gi");
        pool.ctl("replica", "snapshot", "vol-a", "before-upgrade");
        pool.ctl("replica", "create", "vol-a-copy", "--clone-of", "vol-a@before-upgrade");
        pool.ctl("replica", "snapshot", "data", "s1");
        JsonNode before = JSON.readTree(pool.ctl("--json", "replica", "list"));

        pool.killNine();
        pool.start();

        JsonNode after = JSON.readTree(pool.ctl("--json", "replica", "list"));
        assertThat(names(after)).containsExactly("data", "vol-a", "vol-a-copy", "vol-b");
        assertThat(after).isEqualTo(before);
        assertThat(JSON.readTree(pool.ctl("--json", "replica", "checksum", "data")).get("crc32c").asText())
                .isEqualTo(String.format("%08x", flushedChecksum));
        JsonNode status = JSON.readTree(pool.ctl("--json", "status"));
        assertThat(status.get("replicaCount").asInt()).isEqualTo(4);
        assertThat(status.get("usedBytes").asLong()).isEqualTo(1L << 20);
        assertThat(status.get("health").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void sigtermStopsThePoolCleanlyWithExitZero() throws Exception {
        pool.start();
        pool.ctl("replica", "create", "vol-a", "--size", "1Mi");

        int exit = pool.terminate();

        assertThat(exit).isZero();
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

    private static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.get("replicas").spliterator(), false)
                .map(replica -> replica.get("name").asText()).toList();
    }
}
