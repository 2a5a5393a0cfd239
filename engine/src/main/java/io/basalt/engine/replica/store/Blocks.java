package io.basalt.engine.replica.store;

/**
 * The store's unit of allocation.
 *
 * <p>4 KiB is the page and filesystem block size of every Linux filesystem the volumes carry and
 * the size of almost every write the kernel issues, so a block tracked individually never needs a
 * read-modify-write for such writes, a first write into a snapshot's child copies nothing from
 * below, and UNMAP gives space back at the granularity filesystems discard at. Larger chunks
 * (64 KiB) would shrink the bitmaps sixteenfold but turn every first 4 KiB write after a snapshot
 * into a 64 KiB copy-up; with Roaring bitmaps the per-block tracking costs little memory anyway.
 */
final class Blocks {

    static final int SIZE = 4096;
    static final int SHIFT = 12;
    /** Block indexes are Roaring bitmap ints: volumes up to 8 TiB. */
    static final long MAX_BLOCKS = Integer.MAX_VALUE;
    static final long MAX_BYTES = MAX_BLOCKS * SIZE;

    private Blocks() {
    }

    static long blockOf(long offset) {
        return offset >>> SHIFT;
    }

    /** Number of blocks needed to hold {@code bytes}. */
    static long blocksFor(long bytes) {
        return (bytes + SIZE - 1) >>> SHIFT;
    }

    static long offsetOf(long block) {
        return block << SHIFT;
    }
}
