package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.VOLUME;
import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.replica.store.SnapshotInfo;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Snapshots of a replicated volume asked for again under a name already taken. */
class VolumeSnapshotTest {

    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void askedAgainAfterAReplicaThatLackedItBecameHealthyItIsNotTakenThereWithNewerData() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        write(device, 0, pattern(4096, 1));
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> mode(device, 2) == MemberMode.OFFLINE);
        ReplicatedBlockDevice.SnapshotTaken first = device.snapshot("s1").get(30, TimeUnit.SECONDS);
        write(device, 0, pattern(4096, 2));
        volume.pool(2).start();
        await().atMost(WAIT).until(() -> mode(device, 2) == MemberMode.HEALTHY);

        ReplicatedBlockDevice.SnapshotTaken again = device.snapshot("s1").get(30, TimeUnit.SECONDS);

        assertThat(again.replicas()).containsExactlyInAnyOrderElementsOf(first.replicas());
        assertThat(again.missing()).extracting(ReplicatedBlockDevice.SnapshotTaken.Missing::replica)
                .containsExactly(volume.endpoint(2));
        assertThat(again.createdMillis()).as("when s1 was taken, not now").isLessThanOrEqualTo(first.createdMillis());
        assertThat(volume.pool(2).pool().replica(VOLUME).listSnapshots()).extracting(SnapshotInfo::name)
                .doesNotContain("s1");
    }

    private MemberMode mode(ReplicatedBlockDevice device, int pool) {
        return device.status().replicas().stream()
                .filter(replica -> replica.endpoint().equals(volume.endpoint(pool)))
                .findFirst().orElseThrow().mode();
    }
}
