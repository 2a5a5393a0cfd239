package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.read;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slow replica does not set the pace: it leaves the write set once it lags past the bound; one
 * whose pool falls silent leaves it even when there is nothing to write.
 */
class ReplicaLagTest {

    private static final long SIZE = 16L << 20;
    private static final Duration LAG_BOUND = Duration.ofMillis(500);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aReplicaWhoseAnswersAreDelayedPastTheBoundLeavesTheWriteSetWhileWritesAreStillAcknowledged()
            throws Exception {
        DelayingProxy slow = volume.proxy(2);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), volume.endpoint(1),
                slow.endpoint(LoopbackVolume.VOLUME)), ReplicationSettings.defaults(2).withLagBounds(4096, LAG_BOUND));
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);

        // far longer than the test waits for anything: only the quorum of the other two can acknowledge
        slow.delay(Duration.ofMinutes(5));
        byte[] last = null;
        for (int i = 0; i < 20; i++) {
            last = pattern(64 << 10, i);
            write(device, i * (64L << 10), last);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            VolumeStatus.Replica lagging = device.status().replicas().get(2);
            assertThat(lagging.mode()).isEqualTo(MemberMode.OFFLINE);
            assertThat(lagging.reason()).contains("lagging");
        });
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.DEGRADED);
        assertThat(read(device, 19 * (64L << 10), 64 << 10)).isEqualTo(last);
        write(device, 0, pattern(4096, 99));
    }

    @Test
    void onAnIdleVolumeAReplicaWhosePoolFallsSilentLeavesTheWriteSet() throws Exception {
        DelayingProxy silent = volume.proxy(2);
        ReplicationSettings defaults = ReplicationSettings.defaults(2);
        // no periodic mark either: nothing but the connection's own probe asks the pool anything
        ReplicationSettings idle = new ReplicationSettings(2, Duration.ofSeconds(1), defaults.maxOutstanding(),
                defaults.maxLag(), defaults.rebuildConcurrency(), 0, Duration.ofHours(1), defaults.reconnectBackoff(),
                defaults.maxReconnectBackoff(), defaults.quorumWait());
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), volume.endpoint(1),
                silent.endpoint(LoopbackVolume.VOLUME)), idle);
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);

        // as when the pool's host loses power or is cut off: no FIN, no RST, no answer
        silent.delay(Duration.ofMinutes(5));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.DEGRADED);
    }
}
