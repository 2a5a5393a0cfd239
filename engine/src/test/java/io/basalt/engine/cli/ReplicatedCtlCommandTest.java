package io.basalt.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.EngineMain;
import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicaWithoutSnapshot;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.management.v1.SnapshotHolder;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ctl --target} against a replicated target's management API, served in-process. */
class ReplicatedCtlCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1L << 20;

    private final ScriptedTargetManagement target = new ScriptedTargetManagement();
    private ManagementServer server;
    private String address;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @BeforeEach
    void serve() throws Exception {
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0), target);
        address = "127.0.0.1:" + server.address().getPort();
        target.status = degradedVolume();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private int ctl(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine commandLine = EngineMain.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 3];
        all[0] = "ctl";
        all[1] = "--target";
        all[2] = address;
        System.arraycopy(args, 0, all, 3, args.length);
        return commandLine.execute(all);
    }

    /**
     * Three replicas: one healthy after a delta rebuild of 8 MiB but slow enough for reads to spare it,
     * one rebuilding a quarter of a 64 MiB delta, one offline.
     */
    private static TargetStatusResponse degradedVolume() {
        return TargetStatusResponse.newBuilder()
                .setIqn("iqn.2026-01.io.basalt:vol1")
                .setCapacityBytes(256 * MIB)
                .setBlockSize(512)
                .setHealth(Health.DEGRADED)
                .setHealthReason("2 of 3 replicas healthy; vol1@10.0.0.3:9700 offline")
                .setReplicated(ReplicatedBackend.newBuilder()
                        .setVolume("vol1").setReplicationFactor(3).setConsistencyFactor(2)
                        .setEpoch(7).setSequence(123456)
                        .addReplicas(ReplicaStatus.newBuilder().setName("vol1").setAddress("10.0.0.1:9700")
                                .setMode(ReplicaMode.REPLICA_HEALTHY).setEpoch(7).setResponseMillis(112.5)
                                .setReadsSpared(true)
                                .setLastRebuild(RebuildProgress.newBuilder().setTotalBytes(8 * MIB)
                                        .setCopiedBytes(8 * MIB).setDelta(true).setStartedMillis(1_700_000_000_000L)
                                        .setFinishedMillis(1_700_000_002_500L)))
                        .addReplicas(ReplicaStatus.newBuilder().setName("vol1").setAddress("10.0.0.2:9700")
                                .setMode(ReplicaMode.REPLICA_REBUILDING).setEpoch(7).setLag(12)
                                .setReason("copying what it missed")
                                .setRebuild(RebuildProgress.newBuilder().setTotalBytes(64 * MIB)
                                        .setCopiedBytes(16 * MIB).setDelta(true).setStartedMillis(1_000)))
                        .addReplicas(ReplicaStatus.newBuilder().setName("vol1").setAddress("10.0.0.3:9700")
                                .setMode(ReplicaMode.REPLICA_OFFLINE).setEpoch(5).setLag(4000)
                                .setReason("connection refused")))
                .build();
    }

    @Test
    void statusShowsTheReplicasAsATableWithModeEpochLagAndRebuildProgress() {
        assertThat(ctl("status")).isZero();

        String text = out.toString();
        assertThat(text).contains("DEGRADED (2 of 3 replicas healthy; vol1@10.0.0.3:9700 offline)",
                "replicated volume vol1, RF 3, CF 2, epoch 7, sequence 123456");
        assertThat(text.lines().filter(line -> line.contains("NAME")))
                .singleElement().asString().contains("ADDRESS", "MODE", "EPOCH", "LAG", "RESPONSE", "REBUILD",
                        "REASON");
        assertThat(text.lines().filter(line -> line.startsWith("  vol1 ") && line.contains("10.0.0.2:9700")))
                .singleElement().asString().contains("REBUILDING", " 7 ", " 12 ", "25% of 64.0 MiB (delta)",
                        "copying what it missed");
        assertThat(text.lines().filter(line -> line.startsWith("  vol1 ") && line.contains("10.0.0.3:9700")))
                .singleElement().asString().contains("OFFLINE", " 5 ", " 4000 ", "connection refused");
    }

    @Test
    void statusWithJsonGivesEachReplicaAndItsRebuildProgress() throws Exception {
        assertThat(ctl("status", "--json")).isZero();

        JsonNode status = JSON.readTree(out.toString());
        assertThat(status.get("health").asText()).isEqualTo("DEGRADED");
        JsonNode backend = status.get("backend").get("replicated");
        assertThat(backend.get("consistencyFactor").asInt()).isEqualTo(2);
        assertThat(backend.get("epoch").asLong()).isEqualTo(7);
        JsonNode replicas = backend.get("replicas");
        assertThat(replicas).hasSize(3);
        assertThat(replicas.get(0).get("mode").asText()).isEqualTo("HEALTHY");
        assertThat(replicas.get(0).has("rebuild")).isFalse();
        JsonNode rebuilding = replicas.get(1);
        assertThat(rebuilding.get("mode").asText()).isEqualTo("REBUILDING");
        assertThat(rebuilding.get("rebuild").get("copiedBytes").asLong()).isEqualTo(16 * MIB);
        assertThat(rebuilding.get("rebuild").get("totalBytes").asLong()).isEqualTo(64 * MIB);
        assertThat(rebuilding.get("rebuild").get("delta").asBoolean()).isTrue();
        assertThat(replicas.get(2).get("lag").asLong()).isEqualTo(4000);
    }

    @Test
    void statusShowsEachReplicasResponseTimeAndWhetherReadsSpareIt() throws Exception {
        assertThat(ctl("status")).isZero();
        assertThat(out.toString().lines().filter(line -> line.startsWith("  vol1 ") && line.contains("10.0.0.1:9700")))
                .singleElement().asString().contains("112.5 ms", "reads spared: much slower than the others");

        assertThat(ctl("status", "--json")).isZero();
        JsonNode replicas = JSON.readTree(out.toString()).get("backend").get("replicated").get("replicas");
        assertThat(replicas.get(0).get("responseMillis").asDouble()).isEqualTo(112.5);
        assertThat(replicas.get(0).get("readsSpared").asBoolean()).isTrue();
        assertThat(replicas.get(1).get("readsSpared").asBoolean()).isFalse();
    }

    @Test
    void snapshotSendsTheNameAndListsTheReplicasThatHoldIt() throws Exception {
        target.snapshot = SnapshotVolumeResponse.newBuilder().setSnapshot("s1")
                .addHolders(SnapshotHolder.newBuilder().setName("vol1-a").setAddress("10.0.0.1:9700"))
                .addHolders(SnapshotHolder.newBuilder().setName("vol1-b").setAddress("10.0.0.2:9700"))
                .setCreatedMillis(1_700_000_000_000L).build();

        assertThat(ctl("snapshot", "s1", "--json")).isZero();

        assertThat(target.requests).containsExactly(SnapshotVolumeRequest.newBuilder().setSnapshot("s1").build());
        JsonNode snapshot = JSON.readTree(out.toString());
        assertThat(snapshot.get("snapshot").asText()).isEqualTo("s1");
        assertThat(snapshot.get("replicas")).extracting(replica -> replica.get("name").asText())
                .containsExactly("vol1-a", "vol1-b");
        assertThat(snapshot.get("created").asText()).isEqualTo("2023-11-14T22:13:20Z");
    }

    @Test
    void statusShowsHowMuchTheLastFinishedRebuildCopied() throws Exception {
        assertThat(ctl("status")).isZero();
        assertThat(out.toString()).contains("vol1@10.0.0.1:9700: copied 8.0 MiB of 8.0 MiB (delta) in 2.5 s, "
                + "finished 2023-11-14T22:13:22.500Z");

        assertThat(ctl("status", "--json")).isZero();
        JsonNode replicas = JSON.readTree(out.toString()).get("backend").get("replicated").get("replicas");
        JsonNode last = replicas.get(0).get("lastRebuild");
        assertThat(last.get("copiedBytes").asLong()).isEqualTo(8 * MIB);
        assertThat(last.get("finished").asText()).isEqualTo("2023-11-14T22:13:22.500Z");
        assertThat(replicas.get(1).has("lastRebuild")).isFalse();
    }

    @Test
    void snapshotNamesTheReplicasLeftWithoutIt() throws Exception {
        target.snapshot = SnapshotVolumeResponse.newBuilder().setSnapshot("s1")
                .addHolders(SnapshotHolder.newBuilder().setName("vol1").setAddress("10.0.0.1:9700"))
                .addHolders(SnapshotHolder.newBuilder().setName("vol1").setAddress("10.0.0.2:9700"))
                .setCreatedMillis(1_700_000_000_000L)
                .addMissing(ReplicaWithoutSnapshot.newBuilder().setName("vol1").setAddress("10.0.0.3:9700")
                        .setReason("rebuilding: its copy of the volume was not complete"))
                .build();

        assertThat(ctl("snapshot", "s1")).isZero();
        assertThat(out.toString()).contains(
                "without it: vol1@10.0.0.3:9700 (rebuilding: its copy of the volume was not complete)");

        assertThat(ctl("snapshot", "s1", "--json")).isZero();
        JsonNode missing = JSON.readTree(out.toString()).get("missing");
        assertThat(missing).hasSize(1);
        assertThat(missing.get(0).get("address").asText()).isEqualTo("10.0.0.3:9700");
        assertThat(missing.get(0).get("reason").asText()).startsWith("rebuilding");
    }

    @Test
    void snapshotRefusedForWantOfHealthyReplicasExitsWithOneAndTheReason() {
        target.failure = Status.FAILED_PRECONDITION.withDescription("1 healthy replica, CF is 2");

        assertThat(ctl("snapshot", "s1")).isEqualTo(1);

        assertThat(err.toString()).contains("refused by", "FAILED_PRECONDITION", "1 healthy replica, CF is 2");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void addReplicaSendsNameAndAddressAndShowsItsMode() {
        target.added = AddReplicaResponse.newBuilder().setReplica(ReplicaStatus.newBuilder().setName("vol1-d")
                .setAddress("10.0.0.4:9700").setMode(ReplicaMode.REPLICA_REBUILDING)
                .setReason("copying the volume")).build();

        assertThat(ctl("add-replica", "vol1-d@10.0.0.4:9700")).isZero();

        assertThat(target.requests).containsExactly(AddReplicaRequest.newBuilder().setName("vol1-d")
                .setAddress("10.0.0.4:9700").build());
        assertThat(out.toString()).contains("Added replica vol1-d@10.0.0.4:9700: REBUILDING (copying the volume)");
    }

    @Test
    void removeReplicaSendsNameAndAddress() throws Exception {
        assertThat(ctl("remove-replica", "vol1@[::1]:9700", "--json")).isZero();

        assertThat(target.requests).containsExactly(RemoveReplicaRequest.newBuilder().setName("vol1")
                .setAddress("[::1]:9700").build());
        assertThat(JSON.readTree(out.toString()).get("removed").asText()).isEqualTo("vol1");
    }

    @Test
    void removingANonMemberExitsWithOneAndNotFound() {
        target.failure = Status.NOT_FOUND.withDescription("vol1@10.0.0.9:9700 is not a replica of vol1");

        assertThat(ctl("remove-replica", "vol1@10.0.0.9:9700")).isEqualTo(1);

        assertThat(err.toString()).contains("NOT_FOUND", "is not a replica");
    }

    @Test
    void replicaWithoutANameIsAUsageErrorWithExitTwoAndNothingIsSent() {
        assertThat(ctl("add-replica", "10.0.0.4:9700")).isEqualTo(2);

        assertThat(err.toString()).contains("NAME@HOST:PORT");
        assertThat(target.requests).isEmpty();
    }

    @Test
    void unavailableTargetExitsWithThree() {
        target.failure = Status.UNAVAILABLE.withDescription("shutting down");

        assertThat(ctl("status")).isEqualTo(3);

        assertThat(err.toString()).contains("cannot reach", "UNAVAILABLE");
    }

    @Test
    void helpListsTheExitStatuses() {
        assertThat(ctl("--help")).isZero();

        assertThat(out.toString()).contains("Exit status:", "refused", "usage error", "could not be reached",
                "add-replica", "remove-replica", "snapshot");
    }
}
