package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.VOLUME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the status says of a rebuild that started over. */
class RebuildProgressTest {

    private static final long SIZE = 2 * Rebuild.WINDOW_BYTES;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aRebuildThatStartedOverReportsOnlyItsOwnProgress() throws Exception {
        // paced: the second window of each rebuild starts four seconds after its first
        ReplicatedBlockDevice device = volume.openOnPools(2,
                ReplicationSettings.defaults(2).withRebuildBytesPerSecond(Rebuild.WINDOW_BYTES / 4));
        device.addReplica(volume.endpoint(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> rebuild(device) != null && rebuild(device).copiedBytes() > 0);
        long firstStarted = rebuild(device).startedMillis();

        volume.pool(2).stop(); // the replica leaves and comes back: its rebuild starts over
        volume.pool(2).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> rebuild(device) != null
                && rebuild(device).startedMillis() != firstStarted);
        Set<Long> startsSeen = new HashSet<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            RebuildProgress progress = rebuild(device);
            if (progress == null) {
                return true;
            }
            startsSeen.add(progress.startedMillis());
            return false;
        });

        assertThat(startsSeen).doesNotContain(firstStarted);
        assertThat(device.status().replicas().get(2).mode()).isEqualTo(MemberMode.HEALTHY);
        assertThat(device.status().replicas().get(2).lastRebuild().startedMillis()).isNotEqualTo(firstStarted);
    }

    private static RebuildProgress rebuild(ReplicatedBlockDevice device) {
        return device.status().replicas().get(2).rebuild();
    }
}
