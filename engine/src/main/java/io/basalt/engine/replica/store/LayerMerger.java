package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * <p>Runs under the pool's exclusive lock, so no I/O touches either layer meanwhile.
 */
final class LayerMerger {

    private static final int COPY_BLOCKS = 256;

    private final Layer parent;
    private final Layer child;

    LayerMerger(Layer parent, Layer child) {
        this.parent = parent;
        this.child = child;
    }

    void merge() throws IOException {
        RoaringBitmap parentWritten = parent.map().writtenBlocksCopy();
        RoaringBitmap childWritten = child.map().writtenBlocksCopy();
        RoaringBitmap childCovered = RoaringBitmap.or(childWritten, child.map().zeroedBlocksCopy());
        RoaringBitmap copiedDown = RoaringBitmap.andNot(parentWritten, childCovered);
        if (copiedDown.getLongCardinality() <= childWritten.getLongCardinality()) {
            mergeDown(copiedDown, childCovered);
        } else {
            mergeUp(childWritten);
        }
    }

    private void mergeDown(RoaringBitmap copied, RoaringBitmap childCovered) throws IOException {
        copy(parent, child, copied);
        Layer grandparent = parent.parent();
        if (grandparent == null) {
            // with nothing below, an absent block reads as zeros: tombstones become redundant
            child.map().forgetZeroed();
        } else {
            RoaringBitmap zeroedBelow = RoaringBitmap.andNot(parent.map().zeroedBlocksCopy(), childCovered);
            forEachRun(zeroedBelow, (from, to) -> child.map().markZeroed(from, to));
        }
        child.flush();
        child.persistParent(grandparent);
    }

    private void mergeUp(RoaringBitmap childWritten) throws IOException {
        copy(child, parent, childWritten);
        boolean hasBase = parent.parent() != null;
        RoaringBitmap childZeroed = child.map().zeroedBlocksCopy();
        forEachRun(childZeroed, (from, to) -> {
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

    /** Copies {@code blocks} from one layer's data file to the other's and marks them written there. */
    private static void copy(Layer from, Layer to, RoaringBitmap blocks) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BLOCKS * Blocks.SIZE);
        forEachRun(blocks, (start, end) -> {
            for (long block = start; block < end; block += COPY_BLOCKS) {
                long count = Math.min(COPY_BLOCKS, end - block);
                buffer.clear().limit((int) (count * Blocks.SIZE));
                from.read(Blocks.offsetOf(block), buffer);
                buffer.flip();
                to.write(Blocks.offsetOf(block), buffer);
                to.map().markWritten(block, block + count);
            }
        });
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
