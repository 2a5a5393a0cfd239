package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.read;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.store.Replica;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a target starting on replicas left by a crash serves. */
class StartupReconciliationTest {

    private static final long SIZE = 16L << 20;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void afterEveryPoolRestartedTheWritesThatAQuorumHeldSurviveWhicheverReplicaIsMarkedFurthest() throws Exception {
        long sequence = writeAMebibyteAndCrash();
        // writes the crashed target had acknowledged from two replicas, not yet on the third
        byte[] onOneAndTwo = pattern(4096, 2);
        byte[] onZeroAndOne = pattern(4096, 3);
        byte[] firstHalfOnZeroAndOne = pattern(2048, 4);
        byte[] secondHalfOnOneAndTwo = pattern(2048, 5);
        writeDirectly(List.of(1, 2), 256 << 10, onOneAndTwo, sequence + 1);
        writeDirectly(List.of(0, 1), 512 << 10, onZeroAndOne, sequence + 2);
        writeDirectly(List.of(0, 1), 768 << 10, firstHalfOnZeroAndOne, sequence + 3);
        writeDirectly(List.of(1, 2), (768 << 10) + 2048, secondHalfOnOneAndTwo, sequence + 4);
        // the replica without the first write claims the furthest mark
        replica(0).markConsistentThrough(sequence + 10);
        restartEveryPool();

        ReplicatedBlockDevice second = volume.openOnPools(3);

        assertThat(read(second, 256 << 10, 4096)).isEqualTo(onOneAndTwo);
        assertThat(read(second, 512 << 10, 4096)).isEqualTo(onZeroAndOne);
        assertThat(read(second, 768 << 10, 2048)).isEqualTo(firstHalfOnZeroAndOne);
        assertThat(read(second, (768 << 10) + 2048, 2048)).isEqualTo(secondHalfOnOneAndTwo);
        second.flush().get(30, TimeUnit.SECONDS);
        byte[] reference = volume.content(0);
        assertThat(volume.content(1)).isEqualTo(reference);
        assertThat(volume.content(2)).isEqualTo(reference);
    }

    @Test
    void aWriteThatReachedOneReplicaOnlyIsUndoneThereAsAHoleAfterACrash() throws Exception {
        long sequence = writeAMebibyteAndCrash();
        // never acknowledged: the target crashed once it had sent it to one replica
        writeDirectly(List.of(2), 2 << 20, pattern(65536, 2), sequence + 1);
        restartEveryPool();

        ReplicatedBlockDevice second = volume.openOnPools(3);

        assertThat(read(second, 2 << 20, 65536)).isEqualTo(new byte[65536]);
        assertThat(replica(2).usedBytes()).as("space held by the replica the write reached")
                .isEqualTo(replica(0).usedBytes());
    }

    @Test
    void aWriteThatALaggingReplicaMissedIsCopiedToItAfterACrashThoughTheOthersKeptMarking() throws Exception {
        ReplicationSettings settings = ReplicationSettings.defaults(2).withLagBounds(4096, Duration.ofMinutes(1))
                .withMarkInterval(Duration.ofMillis(50));
        WriteHoldingProxy lagging = volume.writeHoldingProxy(1);
        ReplicatedBlockDevice first = volume.open(List.of(volume.endpoint(0), lagging.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(2)), settings);
        write(first, 0, pattern(65536, 1));
        long before = first.status().sequence();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> replica(0).consistentThrough() >= before);
        lagging.holdWrites();
        byte[] missed = pattern(65536, 2);
        write(first, 0, missed); // acknowledged by replicas 0 and 2
        long written = first.status().sequence();

        // marks go on while replica 1 lags, and none covers the write it lacks
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30))
                .until(() -> replica(0).consistentThrough() < written && replica(2).consistentThrough() < written);
        volume.closeDevice(first); // the target crashes before replica 1 ever gets the write
        ReplicatedBlockDevice second = volume.openOnPools(3, settings);

        assertThat(read(second, 0, 65536)).isEqualTo(missed);
        for (int pool = 0; pool < 3; pool++) {
            assertThat(Arrays.copyOf(volume.content(pool), 65536)).as("replica on pool %s", pool).isEqualTo(missed);
        }
    }

    @Test
    void withAPoolRestartedAndTooFewReplicasToOutvoteTheStaleOneTheVolumeWaitsForMoreAndKeepsTheWrite()
            throws Exception {
        WriteHoldingProxy lagging = volume.writeHoldingProxy(1);
        ReplicatedBlockDevice first = volume.open(List.of(volume.endpoint(0), lagging.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(2)), ReplicationSettings.defaults(2));
        write(first, 0, pattern(65536, 1));
        lagging.holdWrites();
        byte[] acknowledged = pattern(65536, 2);
        write(first, 0, acknowledged); // on replicas 0 and 2 only
        volume.closeDevice(first); // the target crashes
        volume.pool(2).stop(); // replica 2's pool restarts: it cannot list what it wrote
        volume.pool(2).start();
        volume.pool(0).stop(); // replica 0 is away

        ReplicatedBlockDevice second = volume.start(List.of(volume.endpoint(0), volume.endpoint(1),
                volume.endpoint(2)), ReplicationSettings.defaults(2));

        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> second.status().reason().contains("cannot list their recent writes"));
        assertThat(second.ready()).isNotDone();
        volume.pool(0).start();
        second.ready().get(60, TimeUnit.SECONDS);
        assertThat(read(second, 0, 65536)).isEqualTo(acknowledged);
    }

    @Test
    void readsThatComeWhileTheTrustedReplicasAreReconciledWaitForIt() throws Exception {
        WriteHoldingProxy lagging = volume.writeHoldingProxy(1);
        List<ReplicaEndpoint> replicas = List.of(volume.endpoint(0), lagging.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(2));
        ReplicatedBlockDevice first = volume.open(replicas, ReplicationSettings.defaults(2));
        write(first, 0, pattern(65536, 1));
        lagging.holdWrites();
        byte[] acknowledged = pattern(65536, 2);
        write(first, 0, acknowledged); // on replicas 0 and 2 only
        volume.closeDevice(first); // the target crashes
        for (int pool = 0; pool < 3; pool++) { // and every pool restarts: their content is compared
            volume.pool(pool).stop();
            volume.pool(pool).start();
        }
        int heldBefore = lagging.held();
        ReplicatedBlockDevice second = volume.start(replicas, ReplicationSettings.defaults(2));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> lagging.held() > heldBefore);

        // the repair of replica 1 is held back: it still has the older content
        List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reads.add(second.read(0, 65536));
        }
        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> reads.stream().noneMatch(CompletableFuture::isDone));
        lagging.passHeld();

        for (CompletableFuture<ByteBuf> read : reads) {
            ByteBuf data = read.get(30, TimeUnit.SECONDS);
            assertThat(ByteBufUtil.getBytes(data)).isEqualTo(acknowledged);
            data.release();
        }
    }

    @Test
    void aSectorTakesTheContentThatAQuorumHoldsElseThatOfThePreferredReplica() {
        int sector = ContentReconciler.SECTOR_BYTES;
        byte[] a = new byte[2 * sector];
        byte[] b = new byte[2 * sector];
        byte[] c = new byte[2 * sector];
        // first sector: b and c agree; second sector: all three differ
        a[0] = 1;
        a[sector] = 1;
        b[sector] = 2;
        c[sector] = 3;

        byte[] agreed = ContentReconciler.vote(List.of(a, b, c), 2, 2);

        assertThat(agreed[0]).isEqualTo((byte) 0);
        assertThat(agreed[sector]).isEqualTo((byte) 3);
    }

    /** Writes the first MiB through a target that flushes it and then crashes; returns its last sequence. */
    private long writeAMebibyteAndCrash() throws Exception {
        ReplicatedBlockDevice first = volume.openOnPools(3);
        write(first, 0, pattern(1 << 20, 1));
        first.flush().get(30, TimeUnit.SECONDS);
        long sequence = first.status().sequence();
        volume.closeDevice(first);
        return sequence;
    }

    private void restartEveryPool() throws Exception {
        for (int i = 0; i < 3; i++) {
            volume.pool(i).stop();
            volume.pool(i).start();
        }
    }

    private Replica replica(int pool) throws Exception {
        return volume.pool(pool).pool().replica(LoopbackVolume.VOLUME);
    }

    private void writeDirectly(List<Integer> pools, long offset, byte[] data, long sequence) throws Exception {
        for (int pool : pools) {
            replica(pool).write(offset, ByteBuffer.wrap(data), sequence);
        }
    }
}
