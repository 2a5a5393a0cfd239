package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.filled;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtentsAndChecksumTest {

    private static final long SIZE = 1024L * BLOCK;

    @TempDir
    Path directory;

    private ReplicaPool pool;

    @BeforeEach
    void openPool() throws Exception {
        pool = ReplicaPool.open(directory);
    }

    @AfterEach
    void closePool() throws Exception {
        pool.close();
    }

    @Test
    void allocatedExtentsJoinAdjacentWritesAcrossLayersAndLeaveOutUnmappedRanges() throws Exception {
        Replica replica = pool.create("vol", SIZE);
        replica.write(0, buffer(filled(1, 4 * BLOCK)), 1);
        replica.snapshot("s1");
        replica.write(4 * BLOCK, buffer(filled(2, 2 * BLOCK)), 2);
        replica.write(100 * BLOCK, buffer(filled(3, BLOCK)), 3);
        replica.unmap(BLOCK, BLOCK, 0);

        assertThat(extents(replica)).containsExactly(
                new Extent(0, BLOCK), new Extent(2L * BLOCK, 4L * BLOCK), new Extent(100L * BLOCK, BLOCK));
    }

    @Test
    void aReplicaWithNothingWrittenHasNoExtents() throws Exception {
        assertThat(extents(pool.create("vol", SIZE))).isEmpty();
    }

    @Test
    void replicasWithTheSameContentHaveTheSameChecksumHoweverItWasWritten() throws Exception {
        Replica direct = pool.create("direct", SIZE);
        direct.write(8 * BLOCK, buffer(pattern(1, 8 * BLOCK)), 1);
        Replica roundabout = pool.create("roundabout", SIZE);
        roundabout.write(0, buffer(pattern(9, 64 * BLOCK)), 1);
        roundabout.snapshot("s1");
        roundabout.unmap(0, 64 * BLOCK, 0);
        roundabout.write(8 * BLOCK, buffer(pattern(1, 8 * BLOCK)), 2);

        assertThat(roundabout.checksum()).isEqualTo(direct.checksum());
    }

    @Test
    void replicasThatDifferInOneByteHaveDifferentChecksums() throws Exception {
        Replica one = pool.create("one", SIZE);
        one.write(0, buffer(pattern(1, BLOCK)), 1);
        Replica other = pool.create("other", SIZE);
        other.write(0, buffer(pattern(1, BLOCK)), 1);

        other.write(SIZE - 1, buffer(new byte[] {1}), 2);

        assertThat(other.checksum()).isNotEqualTo(one.checksum());
    }

    @Test
    void regionChecksumsAreEqualWhereTheContentIsAndDifferOnlyWhereItIsNot() throws Exception {
        int region = 16 * BLOCK;
        Replica one = pool.create("one", SIZE);
        one.write(0, buffer(pattern(1, 4 * region)), 1);
        Replica other = pool.create("other", SIZE);
        other.write(0, buffer(pattern(9, 4 * region)), 1);
        other.snapshot("s1");
        other.write(0, buffer(pattern(1, 4 * region)), 2);

        other.write(2L * region + 513, buffer(new byte[] {7}), 3);

        int[] ofOne = one.regionChecksums(0, region, 6);
        int[] ofOther = other.regionChecksums(0, region, 6);
        assertThat(ofOther).hasSize(6);
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                assertThat(ofOther[i]).as("region %d", i).isNotEqualTo(ofOne[i]);
            } else {
                assertThat(ofOther[i]).as("region %d", i).isEqualTo(ofOne[i]);
            }
        }
    }

    @Test
    void anUnwrittenRegionHasTheChecksumOfZerosLikeAWrittenRegionOfZeros() throws Exception {
        int region = 16 * BLOCK;
        Replica replica = pool.create("vol", SIZE);
        replica.write(region, buffer(new byte[region]), 1);

        int[] checksums = replica.regionChecksums(0, region, 2);

        assertThat(checksums[0]).isEqualTo(checksums[1]);
        java.util.zip.CRC32C zeros = new java.util.zip.CRC32C();
        zeros.update(new byte[region]);
        assertThat(checksums[0]).isEqualTo((int) zeros.getValue());
    }

    private static List<Extent> extents(Replica replica) {
        List<Extent> extents = new ArrayList<>();
        replica.allocatedExtents().forEachRemaining(extents::add);
        return extents;
    }
}
