package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.filled;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotAndCloneTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final int BLOCKS = 256;

    @TempDir
    Path directory;

    private ReplicaPool pool;
    private Replica origin;

    @BeforeEach
    void openPool() throws Exception {
        pool = ReplicaPool.open(directory, MetadataWriter.StepHook.NONE, Clock.fixed(NOW, ZoneOffset.UTC));
        origin = pool.create("origin", BLOCKS * BLOCK);
    }

    @AfterEach
    void closePool() throws Exception {
        pool.close();
    }

    @Test
    void aSnapshotIsListedWithItsTimeSizeAndOwnSpace() throws Exception {
        origin.write(0, buffer(pattern(1, 3 * BLOCK)), 1);

        origin.snapshot("s1");

        assertThat(origin.listSnapshots()).containsExactly(new SnapshotInfo("s1", NOW, BLOCKS * BLOCK, 3 * BLOCK));
    }

    @Test
    void aSnapshotNameCanBeUsedOnlyOnce() throws Exception {
        origin.snapshot("s1");

        assertThatThrownBy(() -> origin.snapshot("s1")).isInstanceOf(NameInUseException.class);
    }

    @Test
    void aCloneReadsTheSnapshotWhileTheOriginReadsItsLaterWrites() throws Exception {
        byte[] p1 = pattern(1, 16 * BLOCK);
        byte[] p2 = pattern(2, 16 * BLOCK);
        origin.write(0, buffer(p1), 1);
        origin.snapshot("s1");
        origin.write(0, buffer(p2), 2);

        Replica clone = pool.clone("origin", "s1", "clone");

        assertThat(clone.read(0, 16 * BLOCK)).isEqualTo(p1);
        assertThat(origin.read(0, 16 * BLOCK)).isEqualTo(p2);
    }

    @Test
    void writesToACloneDoNotTouchTheOrigin() throws Exception {
        origin.write(0, buffer(filled(1, 4 * BLOCK)), 1);
        origin.snapshot("s1");
        Replica clone = pool.clone("origin", "s1", "clone");

        clone.write(BLOCK, buffer(filled(9, BLOCK)), 1);

        assertThat(origin.read(BLOCK, BLOCK)).isEqualTo(filled(1, BLOCK));
        assertThat(clone.read(BLOCK, BLOCK)).isEqualTo(filled(9, BLOCK));
    }

    @Test
    void aCloneOwnsOnlyWhatItWrote() throws Exception {
        origin.write(0, buffer(filled(1, 64 * BLOCK)), 1);
        origin.snapshot("s1");
        Replica clone = pool.clone("origin", "s1", "clone");

        clone.write(0, buffer(filled(2, 2 * BLOCK)), 1);

        assertThat(clone.usedBytes()).isEqualTo(2 * BLOCK);
    }

    @Test
    void deletingTheSnapshotAndThenTheOriginLeavesTheCloneIntact() throws Exception {
        byte[] p1 = pattern(1, 32 * BLOCK);
        origin.write(0, buffer(p1), 1);
        origin.snapshot("s1");
        origin.write(0, buffer(pattern(2, 32 * BLOCK)), 2);
        Replica clone = pool.clone("origin", "s1", "clone");
        clone.write(0, buffer(filled(7, BLOCK)), 1);

        origin.deleteSnapshot("s1");
        pool.delete("origin");

        byte[] expected = p1.clone();
        System.arraycopy(filled(7, BLOCK), 0, expected, 0, BLOCK);
        assertThat(clone.read(0, 32 * BLOCK)).isEqualTo(expected);
        assertThat(clone.usedBytes()).isEqualTo(BLOCK);
        assertThat(pool.replicaNames()).containsExactly("clone");
    }

    @Test
    void theLayersAClonePinsAreFreedWhenTheCloneGoes() throws Exception {
        origin.write(0, buffer(filled(1, 8 * BLOCK)), 1);
        origin.snapshot("s1");
        pool.clone("origin", "s1", "clone");
        origin.deleteSnapshot("s1");
        pool.delete("origin");

        pool.delete("clone");

        assertThat(pool.usedBytes()).isZero();
        try (Stream<Path> layers = Files.list(directory.resolve("layers"))) {
            assertThat(layers).isEmpty();
        }
    }

    @Test
    void deletingASnapshotWithASmallChildMergesTheChildIntoIt() throws Exception {
        byte[] base = pattern(1, 128 * BLOCK);
        origin.write(0, buffer(base), 1);
        origin.snapshot("s1");
        origin.write(3 * BLOCK, buffer(filled(5, BLOCK)), 2);
        origin.unmap(10 * BLOCK, 2 * BLOCK, 0);

        origin.deleteSnapshot("s1");

        byte[] expected = base.clone();
        System.arraycopy(filled(5, BLOCK), 0, expected, 3 * BLOCK, BLOCK);
        java.util.Arrays.fill(expected, 10 * BLOCK, 12 * BLOCK, (byte) 0);
        assertThat(origin.read(0, 128 * BLOCK)).isEqualTo(expected);
        assertThat(origin.listSnapshots()).isEmpty();
        assertThat(origin.usedBytes()).isEqualTo(126L * BLOCK);
        assertThat(pool.usedBytes()).isEqualTo(126L * BLOCK);
    }

    @Test
    void deletingASnapshotWithALargeChildMergesItIntoTheChild() throws Exception {
        origin.write(200 * BLOCK, buffer(filled(4, 2 * BLOCK)), 1);
        origin.snapshot("s1");
        byte[] later = pattern(2, 128 * BLOCK);
        origin.write(0, buffer(later), 2);

        origin.deleteSnapshot("s1");

        assertThat(origin.read(0, 128 * BLOCK)).isEqualTo(later);
        assertThat(origin.read(200 * BLOCK, 2 * BLOCK)).isEqualTo(filled(4, 2 * BLOCK));
        assertThat(pool.usedBytes()).isEqualTo(130L * BLOCK);
    }

    @Test
    void anUnmapStillHidesOlderSnapshotsAfterTheSnapshotUnderItIsMergedAway() throws Exception {
        origin.write(0, buffer(filled(1, 4 * BLOCK)), 1);
        origin.snapshot("s1");
        origin.write(8 * BLOCK, buffer(filled(2, 4 * BLOCK)), 2);
        origin.snapshot("s2");
        origin.unmap(0, 2 * BLOCK, 0);

        origin.deleteSnapshot("s2");

        assertThat(origin.read(0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
        assertThat(origin.read(2 * BLOCK, 2 * BLOCK)).isEqualTo(filled(1, 2 * BLOCK));
        assertThat(origin.read(8 * BLOCK, 4 * BLOCK)).isEqualTo(filled(2, 4 * BLOCK));
    }

    @Test
    void deletingAMiddleSnapshotKeepsTheOthersIntact() throws Exception {
        origin.write(0, buffer(filled(1, 4 * BLOCK)), 1);
        origin.snapshot("s1");
        origin.write(BLOCK, buffer(filled(2, BLOCK)), 2);
        origin.snapshot("s2");
        origin.write(2 * BLOCK, buffer(filled(3, BLOCK)), 3);
        origin.snapshot("s3");

        origin.deleteSnapshot("s2");

        assertThat(origin.listSnapshots()).extracting(SnapshotInfo::name).containsExactly("s1", "s3");
        assertThat(pool.clone("origin", "s1", "c1").read(0, 4 * BLOCK)).isEqualTo(filled(1, 4 * BLOCK));
        byte[] atS3 = filled(1, 4 * BLOCK);
        java.util.Arrays.fill(atS3, BLOCK, 2 * BLOCK, (byte) 2);
        java.util.Arrays.fill(atS3, 2 * BLOCK, 3 * BLOCK, (byte) 3);
        assertThat(pool.clone("origin", "s3", "c3").read(0, 4 * BLOCK)).isEqualTo(atS3);
    }

    @Test
    void aCloneOfAnUnknownSnapshotIsRejected() {
        assertThatThrownBy(() -> pool.clone("origin", "nope", "clone")).isInstanceOf(UnknownSnapshotException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void growingAReplicaAddsZerosAndKeepsItsData() throws Exception {
        origin.write((BLOCKS - 1) * BLOCK, buffer(filled(8, BLOCK)), 1);

        origin.resize(2L * BLOCKS * BLOCK);

        assertThat(origin.size()).isEqualTo(2L * BLOCKS * BLOCK);
        assertThat(origin.read((BLOCKS - 1) * BLOCK, BLOCK)).isEqualTo(filled(8, BLOCK));
        assertThat(origin.read(BLOCKS * BLOCK, BLOCKS * BLOCK)).isEqualTo(new byte[BLOCKS * BLOCK]);
    }

    @Test
    void shrinkingAReplicaIsRefused() {
        assertThatThrownBy(() -> origin.resize(BLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot shrink");
    }
}
