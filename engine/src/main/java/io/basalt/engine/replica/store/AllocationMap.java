package io.basalt.engine.replica.store;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * Which blocks of one layer hold data, and which are explicitly zero.
 *
 * <p>A block is in one of three states: {@link BlockState#WRITTEN} (the layer's data file holds
 * it), {@link BlockState#ZEROED} (unmapped: reads as zeros and hides every older layer) or
 * {@link BlockState#ABSENT} (the layer says nothing; look further down the chain). The two sets
 * are disjoint. Both are Roaring bitmaps: a fully written or fully empty 1 TiB volume costs a few
 * kilobytes, and the worst case (every other block written) is the same 32 MiB a plain bitmap
 * always costs.
 *
 * <p>Thread-safe: every method synchronizes on the map, and {@link #version()} counts changes so
 * that a flush can tell whether there is anything new to persist.
 */
final class AllocationMap {

    private static final int MAGIC = 0x42414d31; // "BAM1"

    private final RoaringBitmap written;
    private final RoaringBitmap zeroed;
    private long version;

    AllocationMap() {
        this(new RoaringBitmap(), new RoaringBitmap());
    }

    private AllocationMap(RoaringBitmap written, RoaringBitmap zeroed) {
        this.written = written;
        this.zeroed = zeroed;
    }

    synchronized BlockState state(long block) {
        int index = toIndex(block);
        if (written.contains(index)) {
            return BlockState.WRITTEN;
        }
        return zeroed.contains(index) ? BlockState.ZEROED : BlockState.ABSENT;
    }

    /** Blocks [from, to) now hold data in this layer. */
    synchronized void markWritten(long from, long to) {
        zeroed.remove(from, to);
        written.add(from, to);
        version++;
    }

    /** Blocks [from, to) read as zeros whatever older layers hold. */
    synchronized void markZeroed(long from, long to) {
        written.remove(from, to);
        zeroed.add(from, to);
        version++;
    }

    /** This layer says nothing more about blocks [from, to). */
    synchronized void clear(long from, long to) {
        written.remove(from, to);
        zeroed.remove(from, to);
        version++;
    }

    /** Drops every tombstone: for a layer with nothing below, where absent already means zeros. */
    synchronized void forgetZeroed() {
        zeroed.clear();
        version++;
    }

    /** Whether any block of [from, to) holds data in this layer. */
    synchronized boolean anyWritten(long from, long to) {
        return written.intersects(from, to);
    }

    synchronized long writtenBlocks() {
        return written.getLongCardinality();
    }

    synchronized long version() {
        return version;
    }

    synchronized RoaringBitmap writtenBlocksCopy() {
        return written.clone();
    }

    /** The written blocks in [from, to), copied. */
    synchronized RoaringBitmap writtenBlocksIn(long from, long to) {
        return written.selectRange(from, to);
    }

    /** The zeroed blocks in [from, to), copied. */
    synchronized RoaringBitmap zeroedBlocksIn(long from, long to) {
        return zeroed.selectRange(from, to);
    }

    synchronized RoaringBitmap zeroedBlocksCopy() {
        return zeroed.clone();
    }

    /** A consistent copy, taken before a flush syncs data so that it names only synced blocks. */
    synchronized AllocationMap copy() {
        AllocationMap copy = new AllocationMap(written.clone(), zeroed.clone());
        copy.version = version;
        return copy;
    }

    synchronized byte[] serialize() {
        written.runOptimize();
        zeroed.runOptimize();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(
                16 + written.serializedSizeInBytes() + zeroed.serializedSizeInBytes());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            written.serialize(out);
            zeroed.serialize(out);
            CRC32C crc = new CRC32C();
            out.flush();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    static AllocationMap deserialize(byte[] bytes, String source) throws CorruptMetadataException {
        if (bytes.length < 8) {
            throw new CorruptMetadataException(source, "allocation map of " + bytes.length + " bytes is truncated");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ((bytes[bytes.length - 4] & 0xff) << 24) | ((bytes[bytes.length - 3] & 0xff) << 16)
                | ((bytes[bytes.length - 2] & 0xff) << 8) | (bytes[bytes.length - 1] & 0xff);
        if ((int) crc.getValue() != stored) {
            throw new CorruptMetadataException(source, "allocation map checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new CorruptMetadataException(source, "not an allocation map");
            }
            RoaringBitmap written = new RoaringBitmap();
            written.deserialize(in);
            RoaringBitmap zeroed = new RoaringBitmap();
            zeroed.deserialize(in);
            return new AllocationMap(written, zeroed);
        } catch (IOException e) {
            throw new CorruptMetadataException(source, "allocation map unreadable: " + e.getMessage());
        }
    }

    private static int toIndex(long block) {
        if (block < 0 || block >= Blocks.MAX_BLOCKS) {
            throw new IllegalArgumentException("block " + block + " out of range");
        }
        return (int) block;
    }

    enum BlockState { WRITTEN, ZEROED, ABSENT }
}
