package io.basalt.engine.replica.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Random sequences of operations run against a real pool and against a model made of plain byte
 * arrays; after every step both must hold the same replicas, sizes, snapshots and content. A
 * simulated crash at some metadata step of a structural operation must leave the pool, once
 * reopened, exactly as before or exactly as after that operation.
 */
class ReplicaPoolModelTest {

    private static final int SECTOR = 512;
    /** Large enough for uncached writes past {@link UncachedWriter#MIN_BYTES}, which take the direct I/O path. */
    private static final int INITIAL_BLOCKS = 48;
    private static final int DIRECT_BLOCKS = UncachedWriter.MIN_BYTES / Blocks.SIZE;

    sealed interface Op permits Write, Unmap, Snapshot, DeleteSnapshot, Clone, DeleteReplica, Resize, Reopen,
            CrashDuring {
    }

    /** {@code uncached}: written as a rebuild's copy is, around the page cache where that is possible. */
    record Write(int replica, int sector, int sectors, int seed, boolean uncached) implements Op {
    }

    record Unmap(int replica, int sector, int sectors) implements Op {
    }

    record Snapshot(int replica) implements Op {
    }

    record DeleteSnapshot(int replica, int snapshot) implements Op {
    }

    record Clone(int replica, int snapshot) implements Op {
    }

    /** Skipped for the last replica, so that every scenario keeps going. */
    record DeleteReplica(int replica) implements Op {
    }

    record Resize(int replica, int extraBlocks) implements Op {
    }

    record Reopen() implements Op {
    }

    /** Runs a structural operation with a crash at its {@code step}-th metadata step. */
    record CrashDuring(Op op, int step) implements Op {
    }

    @Property(tries = 30)
    void thePoolBehavesLikeTheModel(@ForAll("scenarios") List<Op> scenario) throws Exception {
        Path directory = Files.createTempDirectory("replica-model");
        try (Run run = new Run(directory)) {
            for (Op op : scenario) {
                run.apply(op);
                run.verify();
            }
        } finally {
            Layer.deleteDirectory(directory);
        }
        Statistics.label("uncached write").coverage(coverage -> coverage.check("long enough for direct I/O")
                .count(count -> count > 0));
    }

    @Provide
    Arbitrary<List<Op>> scenarios() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 7);
        Arbitrary<Integer> sector = Arbitraries.integers().between(0, 8 * INITIAL_BLOCKS * 2);
        Arbitrary<Integer> sectors = Arbitraries.integers().between(1, 8 * 3);
        Arbitrary<Integer> seed = Arbitraries.integers().between(1, 250);
        Arbitrary<Op> write = Combinators.combine(index, sector, sectors, seed)
                .as((replica, first, count, data) -> new Write(replica, first, count, data, false));
        // starting early enough in the replica for the longest ones to take the direct I/O path
        Arbitrary<Op> uncachedWrite = Combinators.combine(index,
                Arbitraries.integers().between(0, INITIAL_BLOCKS - DIRECT_BLOCKS),
                Arbitraries.integers().between(1, DIRECT_BLOCKS + 8), seed)
                .as((replica, block, blocks, data) -> new Write(replica, block * 8, blocks * 8, data, true));
        Arbitrary<Op> unmap = Combinators.combine(index, sector, Arbitraries.integers().between(1, 8 * 8))
                .as(Unmap::new);
        Arbitrary<Op> snapshot = index.map(Snapshot::new);
        Arbitrary<Op> deleteSnapshot = Combinators.combine(index, index).as(DeleteSnapshot::new);
        Arbitrary<Op> clone = Combinators.combine(index, index).as(Clone::new);
        Arbitrary<Op> deleteReplica = index.map(DeleteReplica::new);
        Arbitrary<Op> resize = Combinators.combine(index, Arbitraries.integers().between(1, 4)).as(Resize::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> structural = Arbitraries.oneOf(snapshot, deleteSnapshot, clone, deleteReplica, resize);
        Arbitrary<Op> crash = Combinators.combine(structural, Arbitraries.integers().between(1, 5))
                .as(CrashDuring::new);
        return Arbitraries.frequencyOf(
                Tuple.of(6, write), Tuple.of(3, uncachedWrite), Tuple.of(3, unmap), Tuple.of(4, snapshot), Tuple.of(4, deleteSnapshot),
                Tuple.of(1, clone), Tuple.of(1, deleteReplica), Tuple.of(1, resize), Tuple.of(1, reopen),
                Tuple.of(3, crash))
                .list().ofMinSize(5).ofMaxSize(30).withSizeDistribution(RandomDistribution.uniform());
    }

    /** One replica of the model: its content and its snapshots' contents, oldest first. */
    record ModelReplica(byte[] content, LinkedHashMap<String, byte[]> snapshots) {

        ModelReplica copy() {
            LinkedHashMap<String, byte[]> snapshotsCopy = new LinkedHashMap<>();
            snapshots.forEach((name, bytes) -> snapshotsCopy.put(name, bytes.clone()));
            return new ModelReplica(content.clone(), snapshotsCopy);
        }
    }

    private static final class Run implements AutoCloseable {

        private final Path directory;
        private MetadataWriter.StepHook hook = MetadataWriter.StepHook.NONE;
        private ReplicaPool pool;
        private Map<String, ModelReplica> model = new TreeMap<>();
        private int names;

        Run(Path directory) throws IOException {
            this.directory = directory;
            this.pool = openPool();
            pool.create("r0", (long) INITIAL_BLOCKS * Blocks.SIZE);
            model.put("r0", new ModelReplica(new byte[INITIAL_BLOCKS * Blocks.SIZE], new LinkedHashMap<>()));
        }

        private ReplicaPool openPool() throws IOException {
            return ReplicaPool.open(directory, (step, target) -> hook.reached(step, target), Clock.systemUTC());
        }

        void apply(Op op) throws IOException {
            switch (op) {
                case Reopen() -> {
                    pool.close();
                    pool = openPool();
                }
                case CrashDuring(Op structural, int step) -> crashDuring(structural, step);
                default -> {
                    Map<String, ModelReplica> after = applyToModel(copy(model), op);
                    applyToStore(op);
                    model = after;
                }
            }
        }

        private void crashDuring(Op op, int step) throws IOException {
            flushAll();
            Map<String, ModelReplica> before = copy(model);
            Map<String, ModelReplica> after = applyToModel(copy(model), op);
            CrashAt crash = CrashAt.anyStep(step);
            hook = crash;
            try {
                applyToStore(op);
            } catch (CrashAt.SimulatedCrash expected) {
                // the pool is abandoned as if the process had died here
            } finally {
                hook = MetadataWriter.StepHook.NONE;
            }
            if (!crash.fired()) {
                Statistics.label("crash").collect("operation finished before the crash step");
                model = after;
                return;
            }
            pool.abandon();
            pool = openPool();
            if (matches(after)) {
                Statistics.label("crash").collect("recovered to after " + op.getClass().getSimpleName());
                model = after;
            } else {
                Statistics.label("crash").collect("recovered to before " + op.getClass().getSimpleName());
                assertThat(matches(before)).as("after a crash during %s the pool is neither before nor after it", op)
                        .isTrue();
                model = before;
            }
        }

        private void applyToStore(Op op) throws IOException {
            switch (op) {
                case Write(int r, int sector, int sectors, int seed, boolean uncached) -> {
                    String name = replica(r);
                    Range range = range(name, sector, sectors);
                    ByteBuffer data = ByteBuffer.wrap(data(seed, range.length));
                    if (uncached) {
                        Statistics.label("uncached write").collect(range.length >= UncachedWriter.MIN_BYTES
                                ? "long enough for direct I/O" : "short: through the page cache");
                        pool.replica(name).writeUncached(range.offset, data, seed);
                    } else {
                        pool.replica(name).write(range.offset, data, seed);
                    }
                }
                case Unmap(int r, int sector, int sectors) -> {
                    String name = replica(r);
                    Range range = range(name, sector, sectors);
                    pool.replica(name).unmap(range.offset, range.length, 0);
                }
                case Snapshot(int r) -> pool.replica(replica(r)).snapshot(nextName("s"));
                case DeleteSnapshot(int r, int s) -> {
                    String name = replica(r);
                    String snapshot = snapshot(name, s);
                    if (snapshot != null) {
                        pool.replica(name).deleteSnapshot(snapshot);
                    }
                }
                case Clone(int r, int s) -> {
                    String name = replica(r);
                    String snapshot = snapshot(name, s);
                    if (snapshot != null) {
                        pool.clone(name, snapshot, nextName("r"));
                    }
                }
                case DeleteReplica(int r) -> {
                    if (model.size() > 1) {
                        pool.delete(replica(r));
                    }
                }
                case Resize(int r, int extraBlocks) -> {
                    Replica replica = pool.replica(replica(r));
                    replica.resize(replica.size() + (long) extraBlocks * Blocks.SIZE);
                }
                default -> throw new IllegalArgumentException(op.toString());
            }
        }

        /** The model after {@code op}; names are derived the same way as for the store. */
        private Map<String, ModelReplica> applyToModel(Map<String, ModelReplica> state, Op op) {
            switch (op) {
                case Write(int r, int sector, int sectors, int seed, boolean uncached) -> {
                    String name = replica(r);
                    Range range = range(name, sector, sectors);
                    System.arraycopy(data(seed, range.length), 0, state.get(name).content(), (int) range.offset,
                            range.length);
                }
                case Unmap(int r, int sector, int sectors) -> {
                    String name = replica(r);
                    Range range = range(name, sector, sectors);
                    Arrays.fill(state.get(name).content(), (int) range.offset, (int) range.offset + range.length,
                            (byte) 0);
                }
                case Snapshot(int r) -> {
                    ModelReplica replica = state.get(replica(r));
                    replica.snapshots().put(peekName("s"), replica.content().clone());
                }
                case DeleteSnapshot(int r, int s) -> {
                    String name = replica(r);
                    String snapshot = snapshot(name, s);
                    if (snapshot != null) {
                        state.get(name).snapshots().remove(snapshot);
                    }
                }
                case Clone(int r, int s) -> {
                    String name = replica(r);
                    String snapshot = snapshot(name, s);
                    if (snapshot != null) {
                        byte[] content = state.get(name).snapshots().get(snapshot).clone();
                        state.put(peekName("r"), new ModelReplica(content, new LinkedHashMap<>()));
                    }
                }
                case DeleteReplica(int r) -> {
                    if (state.size() > 1) {
                        state.remove(replica(r));
                    }
                }
                case Resize(int r, int extraBlocks) -> {
                    String name = replica(r);
                    ModelReplica replica = state.get(name);
                    state.put(name, new ModelReplica(
                            Arrays.copyOf(replica.content(), replica.content().length + extraBlocks * Blocks.SIZE),
                            replica.snapshots()));
                }
                default -> throw new IllegalArgumentException(op.toString());
            }
            return state;
        }

        void verify() throws IOException {
            assertThat(pool.replicaNames()).containsExactlyElementsOf(model.keySet());
            for (Map.Entry<String, ModelReplica> entry : model.entrySet()) {
                Replica replica = pool.replica(entry.getKey());
                byte[] expected = entry.getValue().content();
                assertThat(replica.size()).isEqualTo(expected.length);
                assertThat(Arrays.equals(replica.read(0, expected.length), expected))
                        .as("content of %s", entry.getKey()).isTrue();
                assertThat(replica.listSnapshots()).extracting(SnapshotInfo::name)
                        .containsExactlyElementsOf(entry.getValue().snapshots().keySet());
                assertThat(replica.checksum()).isEqualTo(crc(expected));
                assertOnlyZerosOutsideExtents(replica, expected);
            }
        }

        private boolean matches(Map<String, ModelReplica> state) throws IOException {
            if (!pool.replicaNames().equals(List.copyOf(state.keySet()))) {
                return false;
            }
            for (Map.Entry<String, ModelReplica> entry : state.entrySet()) {
                Replica replica = pool.replica(entry.getKey());
                byte[] expected = entry.getValue().content();
                List<String> snapshots = replica.listSnapshots().stream().map(SnapshotInfo::name).toList();
                if (replica.size() != expected.length || !Arrays.equals(replica.read(0, expected.length), expected)
                        || !snapshots.equals(List.copyOf(entry.getValue().snapshots().keySet()))) {
                    return false;
                }
            }
            return true;
        }

        private static void assertOnlyZerosOutsideExtents(Replica replica, byte[] expected) {
            boolean[] covered = new boolean[expected.length];
            replica.allocatedExtents().forEachRemaining(
                    extent -> Arrays.fill(covered, (int) extent.offset(), (int) extent.end(), true));
            for (int i = 0; i < expected.length; i++) {
                if (!covered[i] && expected[i] != 0) {
                    throw new AssertionError("byte " + i + " of " + replica.name() + " is data outside every extent");
                }
            }
        }

        private void flushAll() throws IOException {
            for (String name : pool.replicaNames()) {
                pool.replica(name).flush();
            }
        }

        private String replica(int index) {
            List<String> names = List.copyOf(model.keySet());
            return names.get(index % names.size());
        }

        private String snapshot(String replica, int index) {
            List<String> snapshots = List.copyOf(model.get(replica).snapshots().keySet());
            return snapshots.isEmpty() ? null : snapshots.get(index % snapshots.size());
        }

        private record Range(long offset, int length) {
        }

        private Range range(String replica, int sector, int sectors) {
            long size = model.get(replica).content().length;
            long offset = (sector * (long) SECTOR) % size;
            int length = (int) Math.min((long) sectors * SECTOR, size - offset);
            return new Range(offset, length);
        }

        private String peekName(String prefix) {
            return prefix + (names + 1);
        }

        private String nextName(String prefix) {
            return prefix + (++names);
        }

        private static byte[] data(int seed, int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) (seed + i / SECTOR);
            }
            return bytes;
        }

        private static long crc(byte[] bytes) {
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            return crc.getValue();
        }

        private static Map<String, ModelReplica> copy(Map<String, ModelReplica> state) {
            Map<String, ModelReplica> copy = new TreeMap<>();
            state.forEach((name, replica) -> copy.put(name, replica.copy()));
            return copy;
        }

        @Override
        public void close() throws IOException {
            pool.close();
        }
    }
}
