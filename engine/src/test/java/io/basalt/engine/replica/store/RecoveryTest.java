package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.filled;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {

    private static final long SIZE = 64L * BLOCK;

    @TempDir
    Path directory;

    @Test
    void flushedWritesSurviveACrash() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.write(BLOCK, buffer(pattern(1, 4 * BLOCK)), 1);
            replica.flush();
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").read(BLOCK, 4 * BLOCK)).isEqualTo(pattern(1, 4 * BLOCK));
        }
    }

    @Test
    void anUnflushedWriteIsEitherThereOrNotButNeverGarbage() throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory);
        Replica written = crashed.create("vol", SIZE);
        written.write(0, buffer(filled(1, 8 * BLOCK)), 1);
        written.flush();
        written.write(4 * BLOCK, buffer(filled(2, 8 * BLOCK)), 2);
        crashed.abandon();

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.replica("vol");
            assertThat(replica.read(0, 4 * BLOCK)).isEqualTo(filled(1, 4 * BLOCK));
            for (int block = 4; block < 12; block++) {
                byte[] content = replica.read((long) block * BLOCK, BLOCK);
                byte[] before = block < 8 ? filled(1, BLOCK) : new byte[BLOCK];
                assertThat(content).as("block %d", block).isIn(before, filled(2, BLOCK));
            }
        }
    }

    @Test
    void theSpaceOfWritesACrashCutOffBeforeTheirFlushIsGivenBackAtOpen() throws Exception {
        int mib = 1 << 20;
        ReplicaPool crashed = ReplicaPool.open(directory);
        Replica written = crashed.create("vol", 16L * mib);
        written.write(0, buffer(filled(1, BLOCK)), 1);
        written.flush();
        written.write(mib, buffer(pattern(2, 8 * mib)), 2);
        written.head().syncData();
        crashed.abandon();
        assertThat(DiskUsage.of(directory)).isGreaterThan(8L * mib);

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(DiskUsage.of(directory)).isLessThan(mib);
            assertThat(pool.replica("vol").read(0, BLOCK)).isEqualTo(filled(1, BLOCK));
        }
    }

    @Test
    void closingThePoolFlushesItsReplicas() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("vol", SIZE).write(0, buffer(pattern(4, 2 * BLOCK)), 1);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").read(0, 2 * BLOCK)).isEqualTo(pattern(4, 2 * BLOCK));
        }
    }

    @Test
    void epochAndConsistentSequenceArePersisted() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.setEpoch(3, new EpochQuorum(2, 2));
            replica.markConsistentThrough(1234);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").epoch()).isEqualTo(3);
            assertThat(pool.replica("vol").epochQuorum()).isEqualTo(new EpochQuorum(2, 2));
            assertThat(pool.replica("vol").consistentThrough()).isEqualTo(1234);
        }
    }

    @Test
    void newReplicasAndClonesStartWithNothingWrittenSinceTheirMark() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("vol", SIZE).snapshot("s1");
            pool.clone("vol", "s1", "copy");
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").writtenSinceMarkWhenOpened()).isFalse();
            assertThat(pool.replica("copy").writtenSinceMarkWhenOpened()).isFalse();
        }
    }

    @Test
    void aWriteAfterTheMarkIsRememberedAcrossACrashEvenUnflushed() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.markConsistentThrough(1);
            replica.write(0, buffer(pattern(2, BLOCK)), 2);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").writtenSinceMarkWhenOpened()).isTrue();
        }
    }

    @Test
    void aMarkBehindAWriteAlreadyBegunKeepsTheReplicaMarkedAsWrittenSince() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.unmap(0, BLOCK, 7);
            replica.markConsistentThrough(6);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").writtenSinceMarkWhenOpened()).isTrue();
        }
    }

    @Test
    void aMarkCoveringEveryWriteLeavesTheReplicaClean() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.write(0, buffer(pattern(3, BLOCK)), 7);
            replica.flush();
            replica.markConsistentThrough(7);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("vol").writtenSinceMarkWhenOpened()).isFalse();
        }
    }

    @Test
    void aReplicaChangedUnmarkedBeforeTheMachineRestartedMayHaveLostUnflushedWrites() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            pool.create("vol", SIZE).write(0, buffer(pattern(2, BLOCK)), 1);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-2")) {
            assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isTrue();
        }
    }

    @Test
    void aReplicaChangedUnmarkedBeforeOnlyThePoolProcessRestartedLostNothing() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            pool.create("vol", SIZE).write(0, buffer(pattern(2, BLOCK)), 1);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isFalse();
        }
    }

    @Test
    void aReplicaChangedUnmarkedWhenItsPoolProcessDiedMayHaveLostUnflushedWrites() throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory, "boot-1");
        Replica written = crashed.create("vol", SIZE);
        written.markConsistentThrough(1);
        written.write(0, buffer(pattern(2, BLOCK)), 2);
        crashed.abandon();

        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isTrue();
        }
    }

    @Test
    void aPoolWhoseProcessDiedOpensWithoutWritingMetadataAsItsDiskMayBeFull() throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory, "boot-1");
        crashed.create("vol", SIZE).write(0, buffer(pattern(2, BLOCK)), 2);
        crashed.abandon();

        ReplicaPool pool = ReplicaPool.open(directory, CrashAt.anyStep(1), Clock.systemUTC());

        assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isTrue();
        pool.abandon();
    }

    @Test
    void aReplicaThatMayHaveLostUnflushedWritesStillSaysSoAfterACleanRestartWithoutAMark() throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory, "boot-1");
        crashed.create("vol", SIZE).write(0, buffer(pattern(2, BLOCK)), 2);
        crashed.abandon();
        ReplicaPool.open(directory, "boot-1").close();

        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isTrue();
        }
    }

    @Test
    void aReplicaMarkedBeforeTheMachineRestartedLostNothing() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-1")) {
            Replica replica = pool.create("vol", SIZE);
            replica.write(0, buffer(pattern(3, BLOCK)), 7);
            replica.flush();
            replica.markConsistentThrough(7);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory, "boot-2")) {
            assertThat(pool.replica("vol").unflushedWritesMayBeLost()).isFalse();
        }
    }

    @Test
    void aSecondPoolOnTheSameDirectoryIsRefusedWhileTheFirstIsOpen() throws Exception {
        try (ReplicaPool first = ReplicaPool.open(directory)) {
            first.create("vol", SIZE);

            assertThatThrownBy(() -> ReplicaPool.open(directory)).isInstanceOf(IOException.class)
                    .hasMessageContaining("in use by another pool server");
        }
    }

    @Test
    void aDirectoryOpensAgainOnceThePoolOnItClosed() throws Exception {
        ReplicaPool.open(directory).close();

        try (ReplicaPool again = ReplicaPool.open(directory)) {
            assertThat(again.replicaNames()).isEmpty();
        }
    }

    @Test
    void theEpochNeverGoesBack() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", SIZE);
            replica.setEpoch(5, EpochQuorum.UNKNOWN);

            assertThatThrownBy(() -> replica.setEpoch(4, EpochQuorum.UNKNOWN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("epoch 5");
            replica.setEpoch(6, EpochQuorum.UNKNOWN);
            assertThat(replica.epoch()).isEqualTo(6);
        }
    }

    @Test
    void snapshotsClonesAndSizesSurviveAReopen() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.create("origin", SIZE);
            origin.write(0, buffer(filled(1, 2 * BLOCK)), 1);
            origin.snapshot("s1");
            origin.write(0, buffer(filled(2, BLOCK)), 2);
            origin.resize(2 * SIZE);
            origin.flush();
            Replica clone = pool.clone("origin", "s1", "clone");
            clone.write(BLOCK, buffer(filled(3, BLOCK)), 1);
            clone.flush();
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.replica("origin");
            Replica clone = pool.replica("clone");
            assertThat(origin.size()).isEqualTo(2 * SIZE);
            assertThat(origin.listSnapshots()).extracting(SnapshotInfo::name).containsExactly("s1");
            assertThat(origin.read(0, 2 * BLOCK)).isEqualTo(concat(filled(2, BLOCK), filled(1, BLOCK)));
            assertThat(clone.read(0, 2 * BLOCK)).isEqualTo(concat(filled(1, BLOCK), filled(3, BLOCK)));
        }
    }

    @Test
    void aSnapshotInterruptedBeforeItsManifestIsRenamedNeverHappened() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("origin", SIZE).write(0, buffer(filled(1, BLOCK)), 1);
        }
        CrashAt snapshotCrash = new CrashAt(MetadataWriter.Step.TEMP_SYNCED, "origin.manifest", 1);
        try (ReplicaPool pool = ReplicaPool.open(directory, snapshotCrash, Clock.systemUTC())) {
            Replica origin = pool.replica("origin");

            assertThatThrownBy(() -> origin.snapshot("s1")).isInstanceOf(CrashAt.SimulatedCrash.class);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.replica("origin");
            assertThat(origin.listSnapshots()).isEmpty();
            assertThat(origin.read(0, BLOCK)).isEqualTo(filled(1, BLOCK));
            assertThat(layerDirectories()).isEqualTo(1);
        }
    }

    @Test
    void aSnapshotWhoseManifestWasRenamedSurvivesTheCrash() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.create("origin", SIZE);
            origin.write(0, buffer(filled(1, BLOCK)), 1);
            origin.flush();
        }
        CrashAt crash = new CrashAt(MetadataWriter.Step.RENAMED, "origin.manifest", 1);
        try (ReplicaPool pool = ReplicaPool.open(directory, crash, Clock.systemUTC())) {
            assertThatThrownBy(() -> pool.replica("origin").snapshot("s1")).isInstanceOf(CrashAt.SimulatedCrash.class);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.replica("origin");
            assertThat(origin.listSnapshots()).extracting(SnapshotInfo::name).containsExactly("s1");
            assertThat(pool.clone("origin", "s1", "clone").read(0, BLOCK)).isEqualTo(filled(1, BLOCK));
        }
    }

    @Test
    void aMergeInterruptedBeforeItsCommitIsFinishedWhenThePoolOpens() throws Exception {
        byte[] base = pattern(1, 32 * BLOCK);
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.create("origin", SIZE);
            origin.write(0, buffer(base), 1);
            origin.snapshot("s1");
            origin.write(0, buffer(filled(2, BLOCK)), 2);
            origin.flush();
        }
        CrashAt crash = new CrashAt(MetadataWriter.Step.TEMP_SYNCED, Layer.META_FILE, 1);
        try (ReplicaPool pool = ReplicaPool.open(directory, crash, Clock.systemUTC())) {
            assertThatThrownBy(() -> pool.replica("origin").deleteSnapshot("s1"))
                    .isInstanceOf(CrashAt.SimulatedCrash.class);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.replica("origin");
            byte[] expected = base.clone();
            System.arraycopy(filled(2, BLOCK), 0, expected, 0, BLOCK);
            assertThat(origin.read(0, 32 * BLOCK)).isEqualTo(expected);
            assertThat(origin.listSnapshots()).isEmpty();
            assertThat(layerDirectories()).isEqualTo(1);
        }
    }

    @Test
    void aMergeIntoTheHeadOfAReplicaWhoseFlushFailedWaitsUntilThePoolIsReopened() throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory);
        Replica origin = crashed.create("origin", SIZE);
        origin.write(0, buffer(filled(1, BLOCK)), 1);
        origin.snapshot("s1");
        crashed.clone("origin", "s1", "clone");
        origin.deleteSnapshot("s1");
        origin.write(0, buffer(filled(2, BLOCK)), 2);
        origin.fail(new IOException("simulated failed fsync"));

        crashed.delete("clone");
        crashed.abandon();

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("origin").read(0, BLOCK))
                    .as("the write after the last good flush is not made durable by the merge")
                    .isEqualTo(filled(1, BLOCK));
            assertThat(layerDirectories()).isEqualTo(1);
        }
    }

    @Test
    void aMergeIntoTheHeadOfAReplicaWhoseFlushFailsWhileTheMergeLetsIoInWaitsUntilThePoolIsReopened()
            throws Exception {
        ReplicaPool crashed = ReplicaPool.open(directory);
        Replica origin = crashed.create("origin", 4096L * BLOCK);
        origin.write(0, buffer(filled(1, 1024 * BLOCK)), 1);
        origin.snapshot("s1");
        // more in the head than the snapshot adds to it: the snapshot is copied into the head, with I/O in between
        origin.write(2048L * BLOCK, buffer(filled(3, 2048 * BLOCK)), 2);
        origin.flush();
        origin.write(0, buffer(filled(2, BLOCK)), 3);
        ReentrantReadWriteLock io = crashed.lock();
        io.readLock().lock();
        FutureTask<Void> deletion = new FutureTask<>(() -> {
            origin.deleteSnapshot("s1");
            return null;
        });
        Thread.ofPlatform().start(deletion);
        awaitQueued(io, 1);
        Thread failingFlush = Thread.ofPlatform().start(() -> {
            io.readLock().lock(); // after the deletion's turn: in the merge's first pause
            origin.fail(new IOException("simulated failed fsync"));
            io.readLock().unlock();
        });
        awaitQueued(io, 2);

        io.readLock().unlock();
        failingFlush.join();
        deletion.get();
        crashed.abandon();

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica reopened = pool.replica("origin");
            assertThat(reopened.read(0, BLOCK))
                    .as("the write before the failed flush is not made durable by the merge")
                    .isEqualTo(filled(1, BLOCK));
            assertThat(reopened.read(BLOCK, BLOCK)).isEqualTo(filled(1, BLOCK));
            assertThat(reopened.read(2048L * BLOCK, BLOCK)).isEqualTo(filled(3, BLOCK));
            assertThat(reopened.listSnapshots()).isEmpty();
            assertThat(layerDirectories()).isEqualTo(1);
        }
    }

    @Test
    void aMergeTheFileSystemHasNoRoomForWaitsAndThePoolStillOpensUntilThereIsRoom() throws Exception {
        ReplicaPool.FreeSpace full = () -> 4L * BLOCK;
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.create("origin", SIZE);
            origin.write(0, buffer(filled(1, 8 * BLOCK)), 1);
            origin.snapshot("s1");
            origin.write(32L * BLOCK, buffer(filled(2, 16 * BLOCK)), 2);
        }
        try (ReplicaPool pool = ReplicaPool.open(directory, full)) {
            pool.replica("origin").deleteSnapshot("s1");

            assertThat(pool.replica("origin").listSnapshots()).isEmpty();
            assertThat(layerDirectories()).as("the 8 blocks of the snapshot are not copied into 4 free").isEqualTo(2);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory, full)) {
            assertThat(pool.replica("origin").read(0, BLOCK)).isEqualTo(filled(1, BLOCK));
            assertThat(layerDirectories()).isEqualTo(2);
        }
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replica("origin").read(0, BLOCK)).isEqualTo(filled(1, BLOCK));
            assertThat(pool.replica("origin").read(32L * BLOCK, BLOCK)).isEqualTo(filled(2, BLOCK));
            assertThat(layerDirectories()).isEqualTo(1);
        }
    }

    @Test
    void afterAFailedMetadataWriteTheReplicaRefusesIoUntilThePoolIsReopened() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("origin", SIZE);
        }
        CrashAt crash = new CrashAt(MetadataWriter.Step.RENAMED, "origin.manifest", 1);
        try (ReplicaPool pool = ReplicaPool.open(directory, crash, Clock.systemUTC())) {
            Replica origin = pool.replica("origin");
            assertThatThrownBy(() -> origin.snapshot("s1")).isInstanceOf(CrashAt.SimulatedCrash.class);

            assertThatThrownBy(() -> origin.write(0, buffer(filled(1, BLOCK)), 1))
                    .isInstanceOf(ReplicaStoreException.class).hasMessageContaining("reopen the pool");
            assertThatThrownBy(() -> pool.create("other", SIZE)).isInstanceOf(ReplicaStoreException.class)
                    .hasMessageContaining("reopen it");
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.replica("origin").write(0, buffer(filled(1, BLOCK)), 1);
        }
    }

    @Test
    void aFailureBeforeTheCommitLeavesThePoolUsable() throws Exception {
        CrashAt crash = new CrashAt(MetadataWriter.Step.TEMP_SYNCED, Layer.META_FILE, 2);
        try (ReplicaPool pool = ReplicaPool.open(directory, crash, Clock.systemUTC())) {
            Replica origin = pool.create("origin", SIZE);

            assertThatThrownBy(() -> origin.snapshot("s1")).isInstanceOf(CrashAt.SimulatedCrash.class);

            origin.write(0, buffer(filled(1, BLOCK)), 1);
            origin.snapshot("s1");
            assertThat(origin.listSnapshots()).extracting(SnapshotInfo::name).containsExactly("s1");
        }
    }

    @Test
    void anUnmapStillHidesTheMergedSnapshotWhenTheMergeIsCutOffAfterTheChildsMapWasPersisted() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.create("origin", SIZE);
            origin.write(0, buffer(filled(1, 2 * BLOCK)), 1);
            origin.snapshot("s1");
            origin.unmap(0, BLOCK, 0);
            origin.write(8 * BLOCK, buffer(filled(2, 8 * BLOCK)), 2);
            origin.snapshot("s2");
        }
        CrashAt crash = new CrashAt(MetadataWriter.Step.RENAMED, "map.", 1);
        try (ReplicaPool pool = ReplicaPool.open(directory, crash, Clock.systemUTC())) {
            assertThatThrownBy(() -> pool.replica("origin").deleteSnapshot("s1"))
                    .isInstanceOf(CrashAt.SimulatedCrash.class);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica origin = pool.replica("origin");
            assertThat(origin.read(0, BLOCK)).isEqualTo(new byte[BLOCK]);
            assertThat(origin.read(BLOCK, BLOCK)).isEqualTo(filled(1, BLOCK));
            assertThat(pool.clone("origin", "s2", "clone").read(0, BLOCK)).isEqualTo(new byte[BLOCK]);
        }
    }

    @Test
    void leftoverTemporaryFilesAndUnreferencedLayersAreRemovedAtOpen() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("vol", SIZE);
        }
        Path strayTemp = directory.resolve("replicas").resolve("vol.manifest" + MetadataWriter.TEMP_SUFFIX);
        Files.writeString(strayTemp, "half written");
        Path strayLayer = Files.createDirectory(directory.resolve("layers").resolve("0123456789abcdef"));
        Files.writeString(strayLayer.resolve("data.0"), "orphan");

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(strayTemp).doesNotExist();
            assertThat(strayLayer).doesNotExist();
            assertThat(pool.replicaNames()).containsExactly("vol");
        }
    }

    @Test
    void aDeletedReplicaStaysDeleted() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            pool.create("vol", SIZE).write(0, buffer(filled(1, BLOCK)), 1);
            pool.delete("vol");
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            assertThat(pool.replicaNames()).isEmpty();
            assertThatThrownBy(() -> pool.replica("vol")).isInstanceOf(UnknownReplicaException.class);
            assertThat(layerDirectories()).isZero();
        }
    }

    private static void awaitQueued(ReentrantReadWriteLock lock, int threads) throws InterruptedException {
        while (lock.getQueueLength() < threads) {
            Thread.sleep(1);
        }
    }

    private long layerDirectories() throws Exception {
        try (Stream<Path> layers = Files.list(directory.resolve("layers"))) {
            return layers.count();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
