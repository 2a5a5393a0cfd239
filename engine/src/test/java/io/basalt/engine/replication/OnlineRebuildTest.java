package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rebuild copies under way while the application keeps writing. */
class OnlineRebuildTest {

    private static final long SIZE = 32L << 20;
    private static final int IN_FLIGHT = 16;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aRebuildNeverOverwritesAWriteOrUnmapMadeWhileItCopies() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(2).withRebuildBytesPerSecond(8L << 20));
        byte[] expected = pattern((int) SIZE, 1);
        write(device, 0, expected);
        // the replica to rebuild holds stale data of its own, which must not survive either
        volume.pool(2).pool().replica(LoopbackVolume.VOLUME).write(0, ByteBuffer.wrap(pattern((int) SIZE, 2)), 0);

        device.addReplica(volume.endpoint(2));
        changeWhileReplicaTwoRebuilds(device, expected);
        device.flush().get(30, TimeUnit.SECONDS);

        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);
        for (int i = 0; i < 3; i++) {
            assertThat(Arrays.mismatch(volume.content(i), expected)).as("first difference on replica %d", i)
                    .isEqualTo(-1);
        }
    }

    @Test
    void aRebuiltReplicaFlushesTheChangesItTookWhileCopyingBeforeItCountsAsHealthy() throws Exception {
        // no marks: their flushes would hide whether the promotion flushes
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(2)
                .withRebuildBytesPerSecond(8L << 20).withMarkInterval(Duration.ofHours(1)));
        byte[] expected = pattern((int) SIZE, 1);
        write(device, 0, expected);
        WriteHoldingProxy proxy = volume.writeHoldingProxy(2);

        device.addReplica(proxy.endpoint(LoopbackVolume.VOLUME));
        changeWhileReplicaTwoRebuilds(device, expected);

        List<Class<? extends Message>> passed = proxy.passedToPool();
        int promotion = passed.lastIndexOf(Message.SetEpoch.class);
        List<Class<? extends Message>> beforePromotion = passed.subList(0, promotion);
        int lastChange = Math.max(beforePromotion.lastIndexOf(Message.Write.class),
                beforePromotion.lastIndexOf(Message.Unmap.class));
        assertThat(lastChange).as("changes reached the replica while it rebuilt").isPositive();
        assertThat(passed.subList(lastChange, promotion)).as("frames from its last change to the epoch that made it healthy")
                .contains(Message.Flush.class);
    }

    @Test
    void aReplicaWhosePoolProcessRestartedCopiesOnlyWhatWasWrittenWhileItWasAway() throws Exception {
        RebuildProgress rebuild = rebuildAfterPoolTwoReturns(false, false);

        assertThat(rebuild.delta()).isTrue();
    }

    @Test
    void aReplicaWhoseMachineRestartedWithWritesNotYetFlushedIsRebuiltInFullIfItMadeNoFlushDurableBefore()
            throws Exception {
        RebuildProgress rebuild = rebuildAfterPoolTwoReturns(true, false);

        assertThat(rebuild.delta()).isFalse();
    }

    @Test
    void aReplicaWhoseMachineRestartedCopiesTheRegionsWrittenSinceItsLastFlushWithThoseWrittenWhileAway()
            throws Exception {
        RebuildProgress rebuild = rebuildAfterPoolTwoReturns(true, true);

        assertThat(rebuild.delta()).isTrue();
        assertThat(rebuild.totalBytes()).as("the unflushed region and the missed one")
                .isEqualTo(2L * WriteRegions.REGION_BYTES);
    }

    @Test
    void aWriteAReturningReplicaTookAfterItsLastFlushAndLostIsCopiedAgain() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3, ReplicationSettings.defaults(2)
                .withMarkInterval(Duration.ofHours(1)));
        write(device, 0, pattern(65536, 1));
        volume.pool(2).stop();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        write(device, 1 << 20, pattern(65536, 2));
        // as a pool process killed before its next flush loses the allocation of the blocks it wrote
        try (ReplicaPool stopped = ReplicaPool.open(volume.pool(2).dir())) {
            stopped.replica(LoopbackVolume.VOLUME).write(0, ByteBuffer.wrap(new byte[65536]), 0);
        }

        volume.pool(2).start();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.HEALTHY);

        assertThat(Arrays.mismatch(volume.content(2), volume.content(0))).as("first difference").isEqualTo(-1);
    }

    @Test
    void aWriteAReplicaTookWhileRebuildingAndLostIsCopiedWhenItsRebuildStartsOver() throws Exception {
        // paced so that the second of the two regions missed is copied some 3 s after the first
        ReplicatedBlockDevice device = volume.openOnPools(3, ReplicationSettings.defaults(2)
                .withMarkInterval(Duration.ofHours(1)).withRebuildBytesPerSecond(20 << 10));
        device.flush().get(30, TimeUnit.SECONDS);
        volume.pool(2).stop();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        write(device, 0, pattern(65536, 1));
        write(device, 16 << 20, pattern(65536, 2));
        volume.pool(2).start();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.REBUILDING);
        write(device, 8 << 20, pattern(65536, 3));
        volume.pool(2).stop();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        // as a pool process killed before flushing loses the allocation of the blocks it wrote
        try (ReplicaPool stopped = ReplicaPool.open(volume.pool(2).dir())) {
            stopped.replica(LoopbackVolume.VOLUME).write(8 << 20, ByteBuffer.wrap(new byte[65536]), 0);
        }

        volume.pool(2).start();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.HEALTHY);

        assertThat(Arrays.mismatch(volume.content(2), volume.content(0))).as("first difference").isEqualTo(-1);
    }

    @Test
    void twoReplicasRebuildingAtOnceShareTheRebuildRateRatherThanEachHavingIt() throws Exception {
        long rate = 2 * Rebuild.WINDOW_BYTES; // per second: each volume's full copy is 4 windows, 2 s of the pace
        ReplicatedBlockDevice device = volume.openOnPools(1, ReplicationSettings.defaults(1).withRebuildBytesPerSecond(rate));
        long started = System.nanoTime();

        device.addReplica(volume.endpoint(1));
        device.addReplica(volume.endpoint(2));
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().stream()
                .allMatch(replica -> replica.mode() == MemberMode.HEALTHY));

        // 8 windows on one timeline: the last starts 3.5 s after the first; each at the rate alone would be done in 1.5 s
        Duration bothRebuilt = Duration.ofNanos(System.nanoTime() - started);
        assertThat(bothRebuilt).isGreaterThanOrEqualTo(Duration.ofMillis(3_500));
    }

    /**
     * Writes and unmaps at random, {@value #IN_FLIGHT} at a time, until replica 2 is no longer
     * rebuilding and at least 500 changes were made; {@code expected} follows the changes.
     */
    private static void changeWhileReplicaTwoRebuilds(ReplicatedBlockDevice device, byte[] expected) throws Exception {
        Random random = new Random(3);
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int changes = 0;
        while (device.status().replicas().get(2).mode() == MemberMode.REBUILDING || changes < 500) {
            slots.acquire();
            long offset = 512L * random.nextInt((int) (SIZE / 512));
            int length = (int) Math.min(SIZE - offset, 512L * (1 + random.nextInt(256)));
            CompletableFuture<Void> change;
            if (random.nextInt(8) == 0) {
                Arrays.fill(expected, (int) offset, (int) offset + length, (byte) 0);
                change = device.deallocate(offset, length);
            } else {
                byte[] data = pattern(length, changes + 10);
                System.arraycopy(data, 0, expected, (int) offset, length);
                change = device.write(offset, Unpooled.wrappedBuffer(data), false);
            }
            change.whenComplete((ok, error) -> {
                if (error != null) {
                    failure.compareAndSet(null, error);
                }
                slots.release();
            });
            changes++;
        }
        slots.acquire(IN_FLIGHT);
        assertThat(failure.get()).isNull();
    }

    /**
     * Pool 2 goes away just after a write no flush covers ({@code flushedBefore}: after a flush of the
     * volume since it opened), misses another and returns.
     */
    private RebuildProgress rebuildAfterPoolTwoReturns(boolean machineRestarted, boolean flushedBefore)
            throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3, ReplicationSettings.defaults(2)
                .withMarkInterval(Duration.ofHours(1)));
        if (flushedBefore) {
            device.flush().get(30, TimeUnit.SECONDS);
        }
        write(device, 0, pattern(65536, 1));
        volume.pool(2).stop();
        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        write(device, 1 << 20, pattern(65536, 2));

        if (machineRestarted) {
            volume.pool(2).startAfterMachineRestart();
        } else {
            volume.pool(2).start();
        }

        Awaitility.await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.HEALTHY);
        return device.status().replicas().get(2).lastRebuild();
    }
}
