package io.basalt.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.EngineMain;
import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.PoolManagementService;
import io.basalt.engine.management.PoolSpace;
import io.basalt.engine.replica.server.ReplicaSecrets;
import io.basalt.engine.replica.store.ReplicaPool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PoolCtlCommandTest {

    @TempDir
    Path dir;

    private ReplicaPool pool;
    private ManagementServer server;
    private String address;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void serve() throws Exception {
        pool = ReplicaPool.open(dir);
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0),
                new PoolManagementService(pool, new PoolSpace(dir, 0), ReplicaSecrets.open(dir)));
        address = "127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        pool.close();
    }

    private int ctl(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine commandLine = EngineMain.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "ctl";
        System.arraycopy(args, 0, all, 1, args.length);
        return commandLine.execute(all);
    }

    @Test
    void createdReplicaIsInTheListForPeople() {
        assertThat(ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi")).isZero();
        assertThat(ctl("--pool", address, "replica", "list")).isZero();

        assertThat(out.toString()).contains("NAME", "vol-a", "1.0 MiB");
    }

    @Test
    void listWithJsonGivesEveryReplicaWithItsSnapshots() throws Exception {
        ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi");
        ctl("--pool", address, "replica", "snapshot", "vol-a", "s1");

        assertThat(ctl("--pool", address, "--json", "replica", "list")).isZero();

        JsonNode replica = new ObjectMapper().readTree(out.toString()).get("replicas").get(0);
        assertThat(replica.get("name").asText()).isEqualTo("vol-a");
        assertThat(replica.get("sizeBytes").asLong()).isEqualTo(1L << 20);
        assertThat(replica.get("snapshots").get(0).get("name").asText()).isEqualTo("s1");
    }

    @Test
    void cloneOfTakesReplicaAtSnapshot() throws Exception {
        ctl("--pool", address, "replica", "create", "origin", "--size", "1Mi");
        ctl("--pool", address, "replica", "snapshot", "origin", "s1");

        assertThat(ctl("--pool", address, "replica", "create", "copy", "--clone-of", "origin@s1")).isZero();

        assertThat(pool.replica("copy").size()).isEqualTo(1L << 20);
    }

    @Test
    void checksumPrintsTheReplicasCrc() throws Exception {
        ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi");
        pool.replica("vol-a").write(0, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 1);

        assertThat(ctl("--pool", address, "--json", "replica", "checksum", "vol-a")).isZero();

        assertThat(new ObjectMapper().readTree(out.toString()).get("crc32c").asText())
                .isEqualTo(String.format("%08x", pool.replica("vol-a").checksum()));
    }

    @Test
    void deletingAMissingReplicaExitsWithOneAndNotFound() {
        assertThat(ctl("--pool", address, "replica", "delete", "vol-z")).isEqualTo(1);

        assertThat(err.toString()).contains("NOT_FOUND", "vol-z");
    }

    @Test
    void resizeGrowsTheReplica() throws Exception {
        ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi");

        assertThat(ctl("--pool", address, "replica", "resize", "vol-a", "2Mi")).isZero();

        assertThat(pool.replica("vol-a").size()).isEqualTo(2L << 20);
    }

    @Test
    void deletedReplicaLeavesThePool() {
        ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi");

        assertThat(ctl("--pool", address, "replica", "delete", "vol-a")).isZero();

        assertThat(pool.replicaNames()).isEmpty();
    }

    @Test
    void statusOfAPoolShowsSpaceAndReplicas() throws Exception {
        ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi");

        assertThat(ctl("--pool", address, "status", "--json")).isZero();

        JsonNode status = new ObjectMapper().readTree(out.toString());
        assertThat(status.get("replicaCount").asInt()).isEqualTo(1);
        assertThat(status.get("health").asText()).isEqualTo("HEALTHY");
        assertThat(status.get("freeBytes").asLong()).isPositive();
    }

    @Test
    void replicaCommandsWithoutPoolAreAUsageErrorWithExitTwo() {
        assertThat(ctl("--target", address, "replica", "list")).isEqualTo(2);

        assertThat(err.toString()).contains("--pool");
    }

    @Test
    void statusWithoutAnAddressIsAUsageErrorNamingBothOptions() {
        assertThat(ctl("status")).isEqualTo(2);

        assertThat(err.toString()).contains("--target or --pool");
    }

    @Test
    void bothAddressesAtOnceAreAUsageError() {
        assertThat(ctl("--pool", address, "--target", address, "status")).isEqualTo(2);

        assertThat(err.toString()).contains("not both");
    }

    @Test
    void aSecretFileThatCannotBeReadIsAUsageErrorWithExitTwo() {
        assertThat(ctl("--pool", address, "replica", "create", "vol-a", "--size", "1Mi", "--secret-file",
                "/nonexistent/secret")).isEqualTo(2);

        assertThat(err.toString()).contains("cannot read --secret-file /nonexistent/secret").doesNotContain("\tat ");
        assertThat(pool.replicaNames()).isEmpty();
    }

    @Test
    void createWithoutSizeOrCloneIsAUsageErrorWithExitTwo() {
        assertThat(ctl("--pool", address, "replica", "create", "vol-a")).isEqualTo(2);

        assertThat(err.toString()).contains("--size");
    }
}
