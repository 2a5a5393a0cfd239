package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.block.BlockDeviceException;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes that find fewer than CF (2) healthy replicas wait for the quorum to return, for a bounded
 * time, instead of failing at once: a brief outage is a pause for the initiator, not an I/O error.
 */
class WritesWithoutQuorumTest {

    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SHORT_QUORUM_WAIT = Duration.ofMillis(300);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aWriteWithoutQuorumWaitsAndIsAcknowledgedOnceAPoolReturns() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        loseQuorum(device);
        byte[] data = pattern(8192, 1);

        CompletableFuture<Void> write = device.write(0, Unpooled.wrappedBuffer(data), false);
        assertThat(write).isNotDone();
        volume.pool(1).start();

        write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(read(device, 0, data.length)).isEqualTo(data);
    }

    @Test
    void aWriteUnderWayWhenTheQuorumIsLostIsSentAgainAndAcknowledgedOnceItReturns() throws Exception {
        DelayingProxy first = volume.proxy(1);
        DelayingProxy second = volume.proxy(2);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), first.endpoint(LoopbackVolume.VOLUME),
                second.endpoint(LoopbackVolume.VOLUME)), ReplicationSettings.defaults(2)
                .withLagBounds(4096, Duration.ofMillis(500)));
        first.delay(Duration.ofMinutes(5));
        second.delay(Duration.ofMinutes(5));
        byte[] data = pattern(8192, 2);

        // only pool 0 answers: both others lag past the bound and leave, and the quorum with them
        CompletableFuture<Void> write = device.write(4096, Unpooled.wrappedBuffer(data), false);
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);
        assertThat(write).isNotDone();
        first.delay(Duration.ZERO);
        second.delay(Duration.ZERO);

        write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(read(device, 4096, data.length)).isEqualTo(data);
    }

    @Test
    void aWriteFailsAsUnavailableWhenTheQuorumDoesNotReturnInTime() throws Exception {
        ReplicatedBlockDevice device = withoutQuorumAfterAShortWait();

        CompletableFuture<Void> write = device.write(0, Unpooled.wrappedBuffer(pattern(4096, 3)), false);

        assertThat(write).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(BlockDeviceException.Unavailable.class).withMessageContaining("needs 2");
    }

    @Test
    void onceTheWaitHasPassedNewWritesFailAtOnceUntilTheQuorumReturns() throws Exception {
        ReplicatedBlockDevice device = withoutQuorumAfterAShortWait();
        CompletableFuture<Void> waited = device.write(0, Unpooled.wrappedBuffer(pattern(4096, 4)), false);
        assertThat(waited).failsWithin(WAIT);

        CompletableFuture<Void> later = device.write(0, Unpooled.wrappedBuffer(pattern(4096, 5)), false);

        assertThat(later).isCompletedExceptionally();
        volume.pool(1).start();
        await().atMost(WAIT).until(() -> device.status().health() != VolumeStatus.Health.OFFLINE);
        device.write(0, Unpooled.wrappedBuffer(pattern(4096, 6)), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aWaitThatPassedInOneOutageDoesNotShortenTheWaitInTheNext() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3, ReplicationSettings.defaults(2)
                .withQuorumWait(Duration.ofSeconds(2)));
        loseQuorum(device);
        assertThat(device.write(0, Unpooled.wrappedBuffer(pattern(4096, 8)), false)).failsWithin(WAIT);
        volume.pool(1).start();
        await().atMost(WAIT).until(() -> device.status().health() != VolumeStatus.Health.OFFLINE);
        volume.pool(1).stop();
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);

        CompletableFuture<Void> write = device.write(0, Unpooled.wrappedBuffer(pattern(4096, 9)), false);

        assertThat(write).as("waits for the quorum again").isNotDone();
        volume.pool(1).start();
        write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aFlushWithoutQuorumWaitsForItToo() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        loseQuorum(device);

        CompletableFuture<Void> flush = device.flush();
        assertThat(flush).isNotDone();
        volume.pool(2).start();

        flush.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void closingTheVolumeFailsTheWritesWaitingForTheQuorum() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        loseQuorum(device);
        CompletableFuture<Void> write = device.write(0, Unpooled.wrappedBuffer(pattern(4096, 7)), false);

        volume.closeDevice(device);

        assertThat(write).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(BlockDeviceException.Unavailable.class).withMessageContaining("closing");
    }

    /** A volume whose writes wait {@link #SHORT_QUORUM_WAIT} for the quorum, which it has lost. */
    private ReplicatedBlockDevice withoutQuorumAfterAShortWait() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3, ReplicationSettings.defaults(2)
                .withQuorumWait(SHORT_QUORUM_WAIT));
        loseQuorum(device);
        return device;
    }

    /** Stops pools 1 and 2 and waits until the volume knows it has lost its quorum. */
    private void loseQuorum(ReplicatedBlockDevice device) throws Exception {
        volume.pool(1).stop();
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);
    }
}
