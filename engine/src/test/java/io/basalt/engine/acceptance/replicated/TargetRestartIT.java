package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The target killed with SIGKILL or restarted on the same replicas: what it acknowledged before
 * survives, and a replica that missed writes (a stale one) is rebuilt before anything is read from it.
 */
class TargetRestartIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void everyWriteAcknowledgedBeforeTheTargetWasKilledReadsBackAfterItsRestart() {
        ReplicatedVolume volume = fixture.cluster().healthyVolume("vol-crash", SIZE, List.of(0, 1, 2), List.of());
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, (int) (SIZE / REGION), 64).start();
        writer.awaitAcknowledged(300);

        volume.killNine();
        writer.abort();
        volume.startHealthy();

        assertThat(writer.certainRegions()).isGreaterThanOrEqualTo(256);
        writer.verify(fixture.qemu(), volume.url());
    }

    @Test
    void staleReplicaIsRebuiltAndNeverReadFromWhileStale() throws Exception {
        ReplicatedVolume everywhere = fixture.cluster().healthyVolume("vol-stale", SIZE, List.of(0, 1, 2), List.of());
        fixture.qemu().io(everywhere.url(), List.of("write -P 0x11 0 " + SIZE));
        fixture.cluster().pool(0).killNine();
        everywhere.awaitReplicaMode(fixture.cluster().replicaAddress(0), ReplicaMode.REPLICA_OFFLINE);
        fixture.qemu().io(everywhere.url(), List.of("write -P 0x22 0 " + SIZE));
        everywhere.stop();
        fixture.cluster().pool(1).terminate();
        fixture.cluster().pool(2).terminate();

        fixture.cluster().pool(0).start();
        fixture.cluster().pool(1).start();
        // RF 2 with the default CF 2. The current replica's epoch was written by a set of two with CF 2,
        // so it alone holds every acknowledged write: the volume opens for reads at once, and for
        // writes once the stale one is rebuilt. The rebuild is paced so that reads meet it under way.
        ReplicatedVolume staleAndCurrent = fixture.cluster().volume("vol-stale", List.of(0, 1),
                List.of("--rebuild-rate", "8Mi"));
        try (ReplicaTrail trail = ReplicaTrail.follow(staleAndCurrent, fixture.cluster().replicaAddress(0), () -> 0)) {
            staleAndCurrent.start();
            fixture.qemu().io(staleAndCurrent.url(), List.of("read -P 0x22 0 " + SIZE));
            staleAndCurrent.awaitReplicaMode(fixture.cluster().replicaAddress(0), ReplicaMode.REPLICA_HEALTHY);
            trail.close();
            assertThat(trail.modes()).containsSubsequence(ReplicaMode.REPLICA_REBUILDING, ReplicaMode.REPLICA_HEALTHY)
                    .doesNotContainSequence(ReplicaMode.REPLICA_HEALTHY, ReplicaMode.REPLICA_REBUILDING);
        }
        staleAndCurrent.awaitHealth(Health.HEALTHY);
        fixture.qemu().io(staleAndCurrent.url(), List.of("write -P 0x33 0 65536", "read -P 0x33 0 65536",
                "read -P 0x22 65536 " + (SIZE - 65536)));
        staleAndCurrent.stop();
        assertThat(fixture.cluster().checksum("vol-stale", 0))
                .isEqualTo(fixture.cluster().checksum("vol-stale", 1));
    }
}
