package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rebuild that finished copying makes healthy only the connection it copied through. */
class RebuildPromotionTest {

    private static final long SIZE = Rebuild.WINDOW_BYTES;
    private static final int LENGTH = 65536;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Writes held back for a while neither time out nor make their replica count as lagging. */
    private static final ReplicationSettings PATIENT = new ReplicationSettings(1, Duration.ofMinutes(1), 4096,
            Duration.ofMinutes(1), 8, 0, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5),
            ReplicationSettings.DEFAULT_QUORUM_WAIT);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aReplicaThatReconnectedWhileItsFinishedRebuildWaitedToBePromotedIsNotMadeHealthyWithoutItsCopy()
            throws Exception {
        // given a replica that finished copying, a write it never got because its connection dropped just
        // after, and the promotion of its rebuild waiting for that write to finish on a healthy replica
        WriteHoldingProxy healthy = volume.writeHoldingProxy(0);
        ReplicatedBlockDevice device = volume.open(List.of(healthy.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(1)), PATIENT);
        LoopbackVolume.write(device, 0, pattern(LENGTH, 1));
        WriteHoldingProxy rebuilding = volume.writeHoldingProxy(2);
        rebuilding.holdCopies();
        device.addReplica(rebuilding.endpoint(LoopbackVolume.VOLUME));
        await().atMost(WAIT).until(() -> rebuilding.held() == 1);
        healthy.holdWrites();
        rebuilding.holdWrites();
        byte[] lost = pattern(LENGTH, 2);
        device.write(0, Unpooled.wrappedBuffer(lost), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        rebuilding.passHeldCopies();
        await().atMost(WAIT).until(() -> rebuilding.held() == 1 && healthy.held() == 1);
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);

        // when it joins again, its new rebuild's copy held, and the write it missed finishes on the healthy replica
        rebuilding.holdCopies();
        volume.pool(2).start();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.REBUILDING);
        long epoch = device.status().epoch();
        healthy.passHeld();

        // then the write set moves on without it: it stays rebuilding until its new copy is done
        await().atMost(WAIT).until(() -> device.status().epoch() > epoch);
        assertThat(device.status().replicas().get(2).mode()).isEqualTo(MemberMode.REBUILDING);
        rebuilding.passHeld();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.HEALTHY);
        assertThat(Arrays.mismatch(Arrays.copyOf(volume.content(2), LENGTH), lost)).isEqualTo(-1);
    }
}
