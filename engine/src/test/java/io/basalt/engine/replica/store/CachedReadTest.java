package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads that a network thread may make: from the page cache only, never waiting. */
class CachedReadTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path directory;

    private ReplicaPool pool;
    private Replica replica;

    @BeforeEach
    void openPool() throws Exception {
        pool = ReplicaPool.open(directory);
        replica = pool.create("vol", 16 * MIB);
    }

    @AfterEach
    void closePool() throws Exception {
        pool.close();
    }

    @Test
    void dataJustWrittenIsReadFromThePageCache() throws Exception {
        byte[] written = pattern(3, 4 * BLOCK);
        replica.write(2 * BLOCK, buffer(written), 1);

        ByteBuffer destination = ByteBuffer.allocateDirect(4 * BLOCK);
        boolean served = replica.readCached(2 * BLOCK, destination);

        assertThat(served).isTrue();
        assertThat(bytes(destination)).isEqualTo(written);
    }

    @Test
    void aRangeAcrossSnapshotLayersAndHolesReadsAsTheReplicaShowsIt() throws Exception {
        replica.write(0, buffer(pattern(4, 2 * BLOCK)), 1);
        replica.snapshot("s1");
        replica.write(BLOCK, buffer(pattern(5, 2 * BLOCK)), 2);

        ByteBuffer destination = ByteBuffer.allocateDirect(6 * BLOCK);
        boolean served = replica.readCached(0, destination);

        assertThat(served).isTrue();
        assertThat(bytes(destination)).isEqualTo(replica.read(0, 6 * BLOCK));
    }

    @Test
    void aReadIsDeclinedWhileAStructuralChangeHoldsThePool() throws Exception {
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
    void aHeapBufferIsDeclined() throws Exception {
        replica.write(0, buffer(pattern(7, BLOCK)), 1);

        boolean served = replica.readCached(0, ByteBuffer.allocate(BLOCK));

        assertThat(served).isFalse();
    }

    private static byte[] bytes(ByteBuffer filled) {
        byte[] bytes = new byte[filled.capacity()];
        filled.flip().get(bytes);
        return bytes;
    }
}
