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
 * One pool of three killed with SIGKILL under a sustained write workload: the volume keeps
 * acknowledging writes, loses none, reports itself degraded, and rebuilds the returning replica
 * online while the writes go on, until all three replicas hold the same data.
 */
class PoolLossDuringWritesIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;
    private static final String VOLUME = "vol-degraded";

    private Workspace workspace;
    private ReplicatedVolumeCluster cluster;
    private ReplicatedVolume volume;
    private RecordingWriter writer;
    private Qemu qemu;

    @BeforeEach
    void threePoolsAndATarget() {
        workspace = Workspace.forTest("PoolLossDuringWritesIT");
        cluster = ReplicatedVolumeCluster.withPools(workspace, 3);
        cluster.createReplicas(VOLUME, SIZE, List.of(0, 1, 2));
        // Paced so that the writes during the rebuild are seen.
        volume = cluster.volume(VOLUME, List.of(0, 1, 2), List.of("--rebuild-rate", "16Mi")).startHealthy();
        qemu = new Qemu(workspace.scratch(), Duration.ofMinutes(2));
        writer = new RecordingWriter(workspace.scratch(), volume.url(), 0, REGION, (int) (SIZE / REGION), 64);
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
    void killedPoolDegradesTheVolumeWithoutAnInitiatorErrorAndRebuildsOnlineToIdenticalReplicas() throws Exception {
        writer.start();
        awaitMoreAcknowledged(200);

        cluster.pool(2).killNine();

        assertThat(volume.awaitHealth(Health.DEGRADED).getHealthReason()).isNotBlank();
        volume.awaitReplicaMode(cluster.replicaAddress(2), ReplicaMode.REPLICA_OFFLINE);
        String ctlStatus = volume.ctl(cluster.jar(), "status").requireSuccess().stdout();
        assertThat(ctlStatus).contains("DEGRADED", "OFFLINE", cluster.replicaAddress(2));
        awaitMoreAcknowledged(200);

        try (ReplicaTrail trail = ReplicaTrail.follow(volume, cluster.replicaAddress(2), writer::acknowledged)) {
            cluster.pool(2).start();

            volume.awaitReplicaMode(cluster.replicaAddress(2), ReplicaMode.REPLICA_HEALTHY);
            trail.close();
            assertThat(trail.modes()).containsSubsequence(ReplicaMode.REPLICA_REBUILDING, ReplicaMode.REPLICA_HEALTHY);
            List<ReplicaTrail.Sample> rebuilding = trail.inMode(ReplicaMode.REPLICA_REBUILDING);
            assertThat(rebuilding.getLast().counter())
                    .as("writes acknowledged while the replica rebuilt").isGreaterThan(rebuilding.getFirst().counter());
        }
        awaitMoreAcknowledged(100);
        writer.stop();
        assertThat(writer.failed()).as("writes the initiator saw fail: %s", writer.failures()).isZero();
        assertThat(volume.awaitHealth(Health.HEALTHY).getReplicated().getReplicasList())
                .allMatch(replica -> replica.getMode() == ReplicaMode.REPLICA_HEALTHY);
        writer.verify(qemu, volume.url());
        volume.stop();
        assertThat(List.of(cluster.checksum(VOLUME, 1), cluster.checksum(VOLUME, 2)))
                .containsOnly(cluster.checksum(VOLUME, 0));
    }

    private void awaitMoreAcknowledged(long more) {
        long target = writer.acknowledged() + more;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> writer.acknowledged() >= target);
    }
}
