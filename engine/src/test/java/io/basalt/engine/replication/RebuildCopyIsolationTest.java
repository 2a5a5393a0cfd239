package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The application's I/O to the healthy replicas does not wait for a rebuild's copy, which does not change them. */
class RebuildCopyIsolationTest {

    private static final long SIZE = Rebuild.WINDOW_BYTES;
    private static final int LENGTH = 65536;
    /** Well within the time a copy may take before the target gives up on it. */
    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void writesReadsAndFlushesOfTheRangeBeingCopiedCompleteWhileTheCopyIsUnderWay() throws Exception {
        // given two healthy replicas, and a third one rebuilding whose pool has not answered its copy yet
        ReplicatedBlockDevice device = volume.openOnPools(2);
        LoopbackVolume.write(device, 0, pattern(LENGTH, 1));
        WriteHoldingProxy rebuilding = rebuildWithCopyHeld(device, 2);

        // when the application writes the range, reads it and flushes
        byte[] newer = pattern(LENGTH, 2);
        CompletableFuture<Void> written = device.write(0, Unpooled.wrappedBuffer(newer), false);
        CompletableFuture<ByteBuf> readBack = written.thenCompose(done -> device.read(0, LENGTH));
        CompletableFuture<Void> flushed = readBack.thenCompose(data -> device.flush());

        // then all of it is done while the copy is still held, and the rebuilt replica ends up with the write
        await().atMost(WAIT).until(flushed::isDone);
        assertThat(flushed).isCompleted();
        ByteBuf data = readBack.join();
        try {
            assertThat(Arrays.mismatch(ByteBufUtil.getBytes(data), newer)).isEqualTo(-1);
        } finally {
            data.release();
        }
        assertThat(rebuilding.held()).isEqualTo(1);
        rebuilding.passHeld();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                device.status().replicas().get(2).mode() == MemberMode.HEALTHY);
        assertThat(Arrays.mismatch(Arrays.copyOf(volume.content(2), LENGTH), newer)).isEqualTo(-1);
    }

    @Test
    void aSnapshotIsTakenWhileTheCopyIsUnderWay() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2);
        LoopbackVolume.write(device, 0, pattern(LENGTH, 1));
        WriteHoldingProxy rebuilding = rebuildWithCopyHeld(device, 2);

        CompletableFuture<ReplicatedBlockDevice.SnapshotTaken> snapshot = device.snapshot("s1");

        await().atMost(WAIT).until(snapshot::isDone);
        assertThat(snapshot.join().replicas()).containsExactly(volume.endpoint(0), volume.endpoint(1));
        assertThat(rebuilding.held()).isEqualTo(1);
    }

    @Test
    void writesGoOnOnceAHealthyReplicaLeftWhileTheCopyIsUnderWay() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(1));
        LoopbackVolume.write(device, 0, pattern(LENGTH, 1));
        WriteHoldingProxy rebuilding = rebuildWithCopyHeld(device, 2);
        long epoch = device.status().epoch();

        volume.pool(1).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().get(1).mode() == MemberMode.OFFLINE);
        CompletableFuture<Void> written = device.write(LENGTH, Unpooled.wrappedBuffer(pattern(LENGTH, 2)), false);

        await().atMost(WAIT).until(written::isDone);
        assertThat(written).isCompleted();
        assertThat(device.status().epoch()).isGreaterThan(epoch);
        assertThat(rebuilding.held()).isEqualTo(1);
    }

    /** Adds the replica of pool {@code index} through a proxy that holds its first copy (of the whole volume). */
    private WriteHoldingProxy rebuildWithCopyHeld(ReplicatedBlockDevice device, int index) throws Exception {
        WriteHoldingProxy rebuilding = volume.writeHoldingProxy(index);
        rebuilding.holdCopies();
        device.addReplica(rebuilding.endpoint(LoopbackVolume.VOLUME));
        await().atMost(WAIT).until(() -> rebuilding.held() == 1);
        return rebuilding;
    }
}
