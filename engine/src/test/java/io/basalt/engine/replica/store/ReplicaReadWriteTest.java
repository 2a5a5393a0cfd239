package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.filled;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaReadWriteTest {

    @TempDir
    Path directory;

    private ReplicaPool pool;
    private Replica replica;

    @BeforeEach
    void openPool() throws Exception {
        pool = ReplicaPool.open(directory);
        replica = pool.create("vol", 64 * BLOCK);
    }

    @AfterEach
    void closePool() throws Exception {
        pool.close();
    }

    @Test
    void aNewReplicaReadsAsZeros() throws Exception {
        assertThat(replica.read(0, 64 * BLOCK)).isEqualTo(new byte[64 * BLOCK]);
    }

    @Test
    void alignedWritesReadBack() throws Exception {
        byte[] data = pattern(1, 3 * BLOCK);

        replica.write(5 * BLOCK, buffer(data), 1);

        assertThat(replica.read(5 * BLOCK, 3 * BLOCK)).isEqualTo(data);
        assertThat(replica.read(4 * BLOCK, BLOCK)).isEqualTo(new byte[BLOCK]);
    }

    /** Around the page cache or through it: a part of a block always goes through it. */
    @ParameterizedTest(name = "uncached: {0}")
    @ValueSource(booleans = {false, true})
    void aWriteOfPartOfABlockKeepsTheRestOfTheBlock(boolean uncached) throws Exception {
        replica.write(0, buffer(filled(0x11, 2 * BLOCK)), 1);

        if (uncached) {
            replica.writeUncached(BLOCK - 512, buffer(filled(0x22, 1024)), 2);
        } else {
            replica.write(BLOCK - 512, buffer(filled(0x22, 1024)), 2);
        }

        byte[] expected = filled(0x11, 2 * BLOCK);
        System.arraycopy(filled(0x22, 1024), 0, expected, BLOCK - 512, 1024);
        assertThat(replica.read(0, 2 * BLOCK)).isEqualTo(expected);
    }

    @Test
    void anUnalignedWriteSpanningManyBlocksReadsBack() throws Exception {
        byte[] data = pattern(3, 5 * BLOCK + 1000);

        replica.write(BLOCK + 333, buffer(data), 1);

        assertThat(replica.read(BLOCK + 333, data.length)).isEqualTo(data);
        assertThat(replica.read(BLOCK, 333)).isEqualTo(new byte[333]);
    }

    @Test
    void concurrentWritesToDisjointPartsOfTheSameBlocksAllSurvive() throws Exception {
        int sectors = 8 * BLOCK / 512;
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int sector = 0; sector < sectors; sector++) {
                int s = sector;
                writes.add(threads.submit(() -> {
                    replica.write(s * 512L, buffer(pattern(s, 512)), s);
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            threads.shutdownNow();
        }

        for (int sector = 0; sector < sectors; sector++) {
            assertThat(replica.read(sector * 512L, 512)).as("sector %d", sector).isEqualTo(pattern(sector, 512));
        }
    }

    @Test
    void aWriteRecordsTheHighestSequenceNumberSeen() throws Exception {
        replica.write(0, buffer(filled(1, 512)), 7);
        replica.write(512, buffer(filled(1, 512)), 5);

        assertThat(replica.highestWrittenSequence()).isEqualTo(7);
    }

    @Test
    void accessBeyondTheEndIsRejected() {
        assertThatThrownBy(() -> replica.read(63 * BLOCK, BLOCK + 1)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("outside replica 'vol'");
        assertThatThrownBy(() -> replica.write(64 * BLOCK, buffer(new byte[1]), 1))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aSizeThatIsNotAWholeNumberOfBlocksIsRejected() {
        assertThatThrownBy(() -> pool.create("odd", BLOCK + 512)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 4096");
    }

    @Test
    void aSecondReplicaOfTheSameNameIsRejected() {
        assertThatThrownBy(() -> pool.create("vol", BLOCK)).isInstanceOf(NameInUseException.class);
    }

    @Test
    void aCachedReadServesDataJustWrittenFromThePageCache() throws Exception {
        byte[] written = pattern(3, 4 * BLOCK);
        replica.write(2 * BLOCK, buffer(written), 1);

        ByteBuffer destination = ByteBuffer.allocateDirect(4 * BLOCK);
        boolean served = replica.readCached(2 * BLOCK, destination);

        assertThat(served).isTrue();
        assertThat(bytes(destination)).isEqualTo(written);
    }

    @Test
    void aCachedReadAcrossSnapshotLayersAndHolesReadsAsTheReplicaShowsIt() throws Exception {
        replica.write(0, buffer(pattern(4, 2 * BLOCK)), 1);
        replica.snapshot("s1");
        replica.write(BLOCK, buffer(pattern(5, 2 * BLOCK)), 2);

        ByteBuffer destination = ByteBuffer.allocateDirect(6 * BLOCK);
        boolean served = replica.readCached(0, destination);

        assertThat(served).isTrue();
        assertThat(bytes(destination)).isEqualTo(replica.read(0, 6 * BLOCK));
    }

    @Test
    void aCachedReadIsDeclinedWhileAStructuralChangeHoldsThePool() throws Exception {
        replica.write(0, buffer(pattern(6, BLOCK)), 1);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
            pool.lock().writeLock().lock();
            try {
                held.countDown();
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                pool.lock().writeLock().unlock();
            }
        });
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

        boolean served;
        try {
            served = replica.readCached(0, ByteBuffer.allocateDirect(BLOCK));
        } finally {
            release.countDown();
            holder.get(30, TimeUnit.SECONDS);
        }

        assertThat(served).isFalse();
    }

    @Test
    void aCachedReadIntoAHeapBufferIsDeclined() throws Exception {
        replica.write(0, buffer(pattern(7, BLOCK)), 1);

        boolean served = replica.readCached(0, ByteBuffer.allocate(BLOCK));

        assertThat(served).isFalse();
    }

    @Test
    void anUncachedWriteReadsBackWithoutPassingThroughThePageCache() throws Exception {
        Replica large = pool.create("large", 512 * BLOCK);
        byte[] written = pattern(8, 300 * BLOCK); // more than one staging buffer of the writing thread

        large.writeUncached(100 * BLOCK, buffer(written), 1);

        assertThat(large.readCached(100 * BLOCK, ByteBuffer.allocateDirect(BLOCK))).isFalse();
        assertThat(large.read(100 * BLOCK, written.length)).isEqualTo(written);
        assertThat(large.highestWrittenSequence()).isEqualTo(1);
    }

    @Test
    void anUncachedWriteFromAnAlignedBufferReadsBack() throws Exception {
        byte[] written = pattern(9, 48 * BLOCK);
        ByteBuffer aligned = ByteBuffer.allocateDirect(49 * BLOCK).alignedSlice(BLOCK).put(written).flip();

        replica.writeUncached(8 * BLOCK, aligned, 1);

        assertThat(replica.readCached(8 * BLOCK, ByteBuffer.allocateDirect(BLOCK))).isFalse();
        assertThat(replica.read(8 * BLOCK, written.length)).isEqualTo(written);
    }

    @Test
    void aSmallUncachedWriteGoesThroughThePageCache() throws Exception {
        byte[] written = pattern(11, 4 * BLOCK);

        replica.writeUncached(8 * BLOCK, buffer(written), 1);

        ByteBuffer cached = ByteBuffer.allocateDirect(written.length);
        assertThat(replica.readCached(8 * BLOCK, cached)).isTrue();
        assertThat(bytes(cached)).isEqualTo(written);
    }

    @Test
    void anUncachedWriteOverCachedDataReplacesIt() throws Exception {
        replica.write(0, buffer(filled(0x33, 64 * BLOCK)), 1);
        assertThat(replica.read(0, 64 * BLOCK)).isEqualTo(filled(0x33, 64 * BLOCK));

        replica.writeUncached(16 * BLOCK, buffer(filled(0x44, 32 * BLOCK)), 2);

        byte[] expected = filled(0x33, 64 * BLOCK);
        System.arraycopy(filled(0x44, 32 * BLOCK), 0, expected, 16 * BLOCK, 32 * BLOCK);
        assertThat(replica.read(0, 64 * BLOCK)).isEqualTo(expected);
    }

    @Test
    void anUncachedWriteSurvivesAFlushAndAReopen() throws Exception {
        byte[] written = pattern(10, 40 * BLOCK);
        replica.writeUncached(20 * BLOCK, buffer(written), 1);
        replica.flush();

        pool.close();
        pool = ReplicaPool.open(directory);

        assertThat(pool.replica("vol").read(20 * BLOCK, written.length)).isEqualTo(written);
    }

    private static byte[] bytes(ByteBuffer filled) {
        byte[] bytes = new byte[filled.capacity()];
        filled.flip().get(bytes);
        return bytes;
    }
}
