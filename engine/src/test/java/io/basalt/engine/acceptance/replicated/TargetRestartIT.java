package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.acceptance.initiator.Qemu;
import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The target killed with SIGKILL or restarted on the same replicas: what it acknowledged before
 * survives, and a replica that missed writes (a stale one) is rebuilt before anything is read from it.
 */
class TargetRestartIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;

    private Workspace workspace;
    private ReplicatedVolumeCluster cluster;
    private Qemu qemu;
    private RecordingWriter writer;

    @BeforeEach
    void threePools() {
        workspace = Workspace.forTest("TargetRestartIT");
        cluster = ReplicatedVolumeCluster.withPools(workspace, 3);
        qemu = new Qemu(workspace.scratch(), Duration.ofMinutes(2));
    }

    @AfterEach
    void stopEverything() {
        if (writer != null) {
            writer.close();
        }
        cluster.close();
        workspace.close();
    }

    @Test
    void everyWriteAcknowledgedBeforeTheTargetWasKilledReadsBackAfterItsRestart() {
        cluster.createReplicas("vol-crash", SIZE, List.of(0, 1, 2));
        ReplicatedVolume volume = cluster.volume("vol-crash", List.of(0, 1, 2), List.of()).startHealthy();
        writer = new RecordingWriter(workspace.scratch(), volume.url(), 0, REGION, (int) (SIZE / REGION), 64).start();
        await().atMost(Duration.ofMinutes(2)).until(() -> writer.acknowledged() >= 300);

        volume.killNine();
        writer.abort();
        volume.startHealthy();

        assertThat(writer.certainRegions()).isGreaterThanOrEqualTo(256);
        writer.verify(qemu, volume.url());
    }

    @Test
    void staleReplicaIsRebuiltAndNeverReadFromWhileStale() throws Exception {
        cluster.createReplicas("vol-stale", SIZE, List.of(0, 1, 2));
        ReplicatedVolume everywhere = cluster.volume("vol-stale", List.of(0, 1, 2), List.of()).startHealthy();
        qemu.io(everywhere.url(), List.of("write -P 0x11 0 " + SIZE));
        cluster.pool(0).killNine();
        everywhere.awaitReplicaMode(cluster.replicaAddress(0), ReplicaMode.REPLICA_OFFLINE);
        qemu.io(everywhere.url(), List.of("write -P 0x22 0 " + SIZE));
        everywhere.stop();
        cluster.pool(1).terminate();
        cluster.pool(2).terminate();

        cluster.pool(0).start();
        cluster.pool(1).start();
        // RF 2 with the default CF 2. The current replica's epoch was written by a set of two with CF 2,
        // so it alone holds every acknowledged write: the volume opens for reads at once, and for
        // writes once the stale one is rebuilt. The rebuild is paced so that reads meet it under way.
        ReplicatedVolume staleAndCurrent = cluster.volume("vol-stale", List.of(0, 1), List.of("--rebuild-rate", "8Mi"));
        try (ReplicaTrail trail = ReplicaTrail.follow(staleAndCurrent, cluster.replicaAddress(0), () -> 0)) {
            staleAndCurrent.start();
            qemu.io(staleAndCurrent.url(), List.of("read -P 0x22 0 " + SIZE));
            staleAndCurrent.awaitReplicaMode(cluster.replicaAddress(0), ReplicaMode.REPLICA_HEALTHY);
            trail.close();
            assertThat(trail.modes()).containsSubsequence(ReplicaMode.REPLICA_REBUILDING, ReplicaMode.REPLICA_HEALTHY)
                    .doesNotContainSequence(ReplicaMode.REPLICA_HEALTHY, ReplicaMode.REPLICA_REBUILDING);
        }
        staleAndCurrent.awaitHealth(Health.HEALTHY);
        qemu.io(staleAndCurrent.url(), List.of("write -P 0x33 0 65536", "read -P 0x33 0 65536",
                "read -P 0x22 65536 " + (SIZE - 65536)));
        staleAndCurrent.stop();
        assertThat(cluster.checksum("vol-stale", 0)).isEqualTo(cluster.checksum("vol-stale", 1));
    }
}
