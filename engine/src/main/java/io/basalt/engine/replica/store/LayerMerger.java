package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * Merges a layer into the only layer lying on it, copying whichever side is smaller.
 *
 * <p>Downward (parent into child): blocks of the parent the child does not cover are copied up,
 * then the child's metadata drops the parent. Every intermediate state shows the same content
 * through the child, so a crash at any point is harmless, and the child may be shared (clones
 * lying on it see no change). Upward (child into parent): the child's blocks and tombstones are
 * applied to the parent's files, then the child adopts the parent's data file under a new
 * generation. Only correct because nothing else reaches the parent: the caller guarantees the
 * parent has no other child, no snapshot name and no replica writing to it.
 *
 * <p>Runs under the pool's exclusive lock, which it lets go between batches of copying where
 * I/O cannot tell: a downward copy re-checks, batch by batch, what the child covers by then; an
 * upward copy writes only where the child covers, which nobody reads from the parent, and so
 * yields only when the child is frozen (a writable child could change blocks already copied;
 * a large writable child is therefore merged downward). A writable child whose replica fails
 * meanwhile must not have its map persisted: the downward merge then stops before its commit, as
 * a crash would have stopped it, and the reopened pool finishes it.
 */
final class LayerMerger {

    private static final int COPY_BLOCKS = 256;
    /**
     * Copying a writable child up cannot let I/O in (it would change blocks already copied), so
     * beyond this many blocks (16 MiB) the merge goes down instead, even if that copies more.
     */
    static final long MAX_BLOCKS_COPIED_WITHOUT_YIELDING = 4096;

    private final Layer parent;
    private final Layer child;
    private final boolean childWritable;
    private final Runnable yieldToIo;
    /** Whether the child is the head of a replica that failed: its map may name data a failed fsync lost. */
    private final BooleanSupplier childFailed;

    LayerMerger(Layer parent, Layer child, boolean childWritable, Runnable yieldToIo, BooleanSupplier childFailed) {
        this.parent = parent;
        this.child = child;
        this.childWritable = childWritable;
        this.yieldToIo = yieldToIo;
        this.childFailed = childFailed;
    }

    /**
     * The most bytes the merge writes: the file system needs that much free, as the merged
     * layer's space only goes back once it is done.
     */
    long bytesToCopy() {
        return Blocks.offsetOf(plan().blocks().getLongCardinality());
    }

    /** Merges; false when it stopped before its commit, having persisted nothing. */
    boolean merge() throws IOException {
        Plan plan = plan();
        if (plan.up()) {
            mergeUp(plan.blocks());
            return true;
        }
        return mergeDown(plan.blocks());
    }

    /** The direction of the merge and the blocks it copies. */
    private record Plan(boolean up, RoaringBitmap blocks) {
    }

    private Plan plan() {
        RoaringBitmap parentWritten = parent.map().writtenBlocksCopy();
        RoaringBitmap childWritten = child.map().writtenBlocksCopy();
        RoaringBitmap copiedDown = RoaringBitmap.andNot(parentWritten, covered(child));
        boolean upCopiesLess = childWritten.getLongCardinality() < copiedDown.getLongCardinality();
        boolean upWouldStallIo = childWritable
                && childWritten.getLongCardinality() > MAX_BLOCKS_COPIED_WITHOUT_YIELDING;
        return upCopiesLess && !upWouldStallIo ? new Plan(true, childWritten) : new Plan(false, copiedDown);
    }

    private boolean mergeDown(RoaringBitmap candidates) throws IOException {
        copy(parent, child, candidates, true, true);
        if (childFailed.getAsBoolean()) {
            return false;
        }
        Layer grandparent = parent.parent();
        if (grandparent != null) {
            RoaringBitmap zeroedBelow = RoaringBitmap.andNot(parent.map().zeroedBlocksCopy(), covered(child));
            forEachRun(zeroedBelow, (from, to) -> child.map().markZeroed(from, to));
        }
        child.flush();
        child.persistParent(grandparent);
        if (grandparent == null) {
            // with nothing below, an absent block reads as zeros: tombstones became redundant (not
            // before: until the parent is gone for good they still hide it)
            child.map().forgetZeroed();
        }
        return true;
    }

    private void mergeUp(RoaringBitmap childWritten) throws IOException {
        copy(child, parent, childWritten, false, !childWritable);
        boolean hasBase = parent.parent() != null;
        forEachRun(child.map().zeroedBlocksCopy(), (from, to) -> {
            parent.punch(Blocks.offsetOf(from), Blocks.offsetOf(to - from));
            if (hasBase) {
                parent.map().markZeroed(from, to);
            } else {
                parent.map().clear(from, to);
            }
        });
        parent.syncData();
        child.adopt(parent, parent.map().copy());
    }

    private static RoaringBitmap covered(Layer layer) {
        return RoaringBitmap.or(layer.map().writtenBlocksCopy(), layer.map().zeroedBlocksCopy());
    }

    /**
     * Copies {@code blocks} from one layer's data file to the other's and marks them written there,
     * in batches; with {@code onlyAbsent}, skips blocks the target covers by the time their batch
     * runs.
     */
    private void copy(Layer from, Layer to, RoaringBitmap blocks, boolean onlyAbsent, boolean yielding)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BLOCKS * Blocks.SIZE);
        forEachRun(blocks, (start, end) -> {
            for (long batch = start; batch < end; batch += COPY_BLOCKS) {
                long batchEnd = Math.min(end, batch + COPY_BLOCKS);
                long block = batch;
                while (block < batchEnd) {
                    if (onlyAbsent && !absent(to, block)) {
                        block++;
                        continue;
                    }
                    long runEnd = block + 1;
                    while (runEnd < batchEnd && (!onlyAbsent || absent(to, runEnd))) {
                        runEnd++;
                    }
                    buffer.clear().limit((int) ((runEnd - block) * Blocks.SIZE));
                    from.read(Blocks.offsetOf(block), buffer);
                    to.write(Blocks.offsetOf(block), buffer.flip());
                    to.map().markWritten(block, runEnd);
                    block = runEnd;
                }
                if (yielding) {
                    yieldToIo.run();
                }
            }
        });
    }

    private static boolean absent(Layer layer, long block) {
        return layer.map().state(block) == AllocationMap.BlockState.ABSENT;
    }

    interface RunConsumer {
        void accept(long from, long to) throws IOException;
    }

    /** Calls {@code consumer} with each maximal run [from, to) of set bits, in order. */
    static void forEachRun(RoaringBitmap bits, RunConsumer consumer) throws IOException {
        long from = bits.nextValue(0);
        while (from >= 0 && from < Blocks.MAX_BLOCKS) {
            long to = bits.nextAbsentValue((int) from);
            consumer.accept(from, to);
            from = to >= Blocks.MAX_BLOCKS ? -1 : bits.nextValue((int) to);
        }
    }
}
