package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.buffer;
import static io.basalt.engine.replica.store.Content.pattern;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int REGION_BLOCKS = 512;
    private static final int VERSIONS = 12;

    @TempDir
    Path directory;

    @Test
    void writersOfDisjointRegionsKeepTheirLastWritesWhileSnapshotsAreTakenAndMergedAway() throws Exception {
        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.create("vol", (long) WRITERS * REGION_BLOCKS * BLOCK);
            ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 1);
            AtomicBoolean writing = new AtomicBoolean(true);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int writer = 0; writer < WRITERS; writer++) {
                    int region = writer;
                    writers.add(threads.submit(() -> {
                        for (int version = 1; version <= VERSIONS; version++) {
                            long offset = (long) region * REGION_BLOCKS * BLOCK;
                            // an unaligned write, so that partial blocks are read through the chain
                            replica.write(offset + 512, buffer(pattern(region * 1000 + version,
                                    REGION_BLOCKS * BLOCK - 1024)), version);
                            if (version % 8 == 0) {
                                replica.flush();
                            }
                        }
                        return null;
                    }));
                }
                Future<?> snapshots = threads.submit(() -> {
                    for (int round = 0; writing.get(); round++) {
                        replica.snapshot("s" + round);
                        if (round > 0) {
                            replica.deleteSnapshot("s" + (round - 1));
                        }
                    }
                    return null;
                });
                for (Future<?> writer : writers) {
                    writer.get();
                }
                writing.set(false);
                snapshots.get();
            } finally {
                threads.shutdownNow();
            }

            for (int region = 0; region < WRITERS; region++) {
                long offset = (long) region * REGION_BLOCKS * BLOCK;
                assertThat(replica.read(offset + 512, REGION_BLOCKS * BLOCK - 1024)).as("region %d", region)
                        .isEqualTo(pattern(region * 1000 + VERSIONS, REGION_BLOCKS * BLOCK - 1024));
            }
            assertThat(replica.listSnapshots()).hasSize(1);
        }
    }
}
