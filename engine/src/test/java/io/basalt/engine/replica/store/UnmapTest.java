package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.filled;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnmapTest {

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
    void anUnmappedRangeReadsAsZeros() throws Exception {
        replica.write(0, buffer(pattern(1, 8 * BLOCK)), 1);

        replica.unmap(2 * BLOCK, 3 * BLOCK, 0);

        assertThat(replica.read(2 * BLOCK, 3 * BLOCK)).isEqualTo(new byte[3 * BLOCK]);
        assertThat(replica.read(0, 2 * BLOCK)).isEqualTo(java.util.Arrays.copyOf(pattern(1, 8 * BLOCK), 2 * BLOCK));
    }

    @Test
    void unmappingPartOfABlockZeroesOnlyThatPart() throws Exception {
        replica.write(0, buffer(filled(0x33, BLOCK)), 1);

        replica.unmap(512, 1024, 0);

        byte[] expected = filled(0x33, BLOCK);
        java.util.Arrays.fill(expected, 512, 1536, (byte) 0);
        assertThat(replica.read(0, BLOCK)).isEqualTo(expected);
    }

    @Test
    void unmappingAcrossABlockBoundaryWithoutAWholeBlockZeroesExactlyThatRange() throws Exception {
        replica.write(0, buffer(filled(0x34, 2 * BLOCK)), 1);

        replica.unmap(BLOCK - 512, 1024, 0);

        byte[] expected = filled(0x34, 2 * BLOCK);
        java.util.Arrays.fill(expected, BLOCK - 512, BLOCK + 512, (byte) 0);
        assertThat(replica.read(0, 2 * BLOCK)).isEqualTo(expected);
    }

    @Test
    void unmapGivesTheSpaceBackToTheFilesystem() throws Exception {
        replica.write(0, buffer(pattern(2, 8 * MIB)), 1);
        replica.flush();
        long before = DiskUsage.of(directory);

        replica.unmap(0, 8 * MIB, 0);
        replica.flush();

        assertThat(before - DiskUsage.of(directory)).isGreaterThanOrEqualTo(8L * MIB - 64 * 1024);
        assertThat(replica.usedBytes()).isZero();
    }

    @Test
    void anUnmapAfterASnapshotHidesTheSnapshotsData() throws Exception {
        replica.write(0, buffer(filled(0x44, 4 * BLOCK)), 1);
        replica.snapshot("s1");

        replica.unmap(BLOCK, 2 * BLOCK, 0);

        assertThat(replica.read(BLOCK, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
        assertThat(replica.read(0, BLOCK)).isEqualTo(filled(0x44, BLOCK));
        Replica clone = pool.clone("vol", "s1", "copy");
        assertThat(clone.read(0, 4 * BLOCK)).isEqualTo(filled(0x44, 4 * BLOCK));
    }

    @Test
    void aWriteAfterAnUnmapReadsBack() throws Exception {
        replica.write(0, buffer(filled(0x55, 2 * BLOCK)), 1);
        replica.snapshot("s1");
        replica.unmap(0, 2 * BLOCK, 0);

        replica.write(512, buffer(filled(0x66, 512)), 2);

        byte[] expected = new byte[BLOCK];
        java.util.Arrays.fill(expected, 512, 1024, (byte) 0x66);
        assertThat(replica.read(0, BLOCK)).isEqualTo(expected);
    }
}
