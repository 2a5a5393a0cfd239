package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One pool of three killed with SIGKILL under a sustained write workload: the volume keeps
 * acknowledging writes, loses none, reports itself degraded, and rebuilds the returning replica
 * online while the writes go on, until all three replicas hold the same data.
 */
class PoolLossDuringWritesIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;
    private static final String VOLUME = "vol-degraded";

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void killedPoolDegradesTheVolumeWithoutAnInitiatorErrorAndRebuildsOnlineToIdenticalReplicas() throws Exception {
        // Paced so that the writes during the rebuild are seen.
        ReplicatedVolume volume = fixture.cluster().healthyVolume(VOLUME, SIZE, List.of(0, 1, 2),
                List.of("--rebuild-rate", "16Mi"));
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, (int) (SIZE / REGION), 64).start();
        writer.awaitMoreAcknowledged(200);

        fixture.cluster().pool(2).killNine();

        assertThat(volume.awaitHealth(Health.DEGRADED).getHealthReason()).isNotBlank();
        volume.awaitReplicaMode(fixture.cluster().replicaAddress(2), ReplicaMode.REPLICA_OFFLINE);
        String ctlStatus = volume.ctl(fixture.cluster().jar(), "status").requireSuccess().stdout();
        assertThat(ctlStatus).contains("DEGRADED", "OFFLINE", fixture.cluster().replicaAddress(2));
        writer.awaitMoreAcknowledged(200);

        String returning = fixture.cluster().replicaAddress(2);
        try (ReplicaTrail trail = ReplicaTrail.follow(volume, returning, writer::acknowledged)) {
            fixture.cluster().pool(2).start();

            volume.awaitReplicaMode(fixture.cluster().replicaAddress(2), ReplicaMode.REPLICA_HEALTHY);
            trail.close();
            assertThat(trail.modes()).containsSubsequence(ReplicaMode.REPLICA_REBUILDING, ReplicaMode.REPLICA_HEALTHY);
            List<ReplicaTrail.Sample> rebuilding = trail.inMode(ReplicaMode.REPLICA_REBUILDING);
            assertThat(rebuilding.getLast().counter())
                    .as("writes acknowledged while the replica rebuilt").isGreaterThan(rebuilding.getFirst().counter());
        }
        writer.awaitMoreAcknowledged(100);
        writer.stop();
        assertThat(writer.failed()).as("writes the initiator saw fail: %s", writer.failures()).isZero();
        assertThat(volume.awaitHealth(Health.HEALTHY).getReplicated().getReplicasList())
                .allMatch(replica -> replica.getMode() == ReplicaMode.REPLICA_HEALTHY);
        writer.verify(fixture.qemu(), volume.url());
        volume.stop();
        assertThat(List.of(fixture.cluster().checksum(VOLUME, 1), fixture.cluster().checksum(VOLUME, 2)))
                .containsOnly(fixture.cluster().checksum(VOLUME, 0));
    }
}
