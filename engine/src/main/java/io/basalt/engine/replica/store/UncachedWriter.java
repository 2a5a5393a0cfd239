package io.basalt.engine.replica.store;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes to a data file around the page cache (O_DIRECT), for bulk data that nobody reads soon: a
 * rebuild's copy. Through the page cache such a copy would push the application's cached data out
 * and leave the whole copy dirty, to be written back by the flush that ends the rebuild, while the
 * replica waits to count as healthy; around it the data is on the disk when the write returns.
 *
 * <p>Direct I/O needs the file offset, the length and the memory address aligned to the
 * filesystem's block size; data at an unaligned address is staged through an aligned buffer of the
 * writing thread. Where the filesystem refuses direct I/O, or a write is not block-aligned in the
 * file, {@link #write} declines and the caller writes through the page cache.
 */
final class UncachedWriter implements AutoCloseable {

    /** Bytes staged per system call when the data's address is not aligned. */
    private static final int STAGING_BYTES = 1 << 20;
    /** The largest filesystem block size served; larger ones (none in use) decline direct I/O. */
    private static final int MAX_ALIGNMENT = 64 << 10;

    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

    private final FileChannel channel;
    private final int alignment;

    private UncachedWriter(FileChannel channel, int alignment) {
        this.channel = channel;
        this.alignment = alignment;
    }

    /** Opens {@code file} for direct writes; null where its filesystem does not do direct I/O. */
    static UncachedWriter open(Path file) throws IOException {
        long blockSize = Files.getFileStore(file).getBlockSize();
        if (blockSize <= 0 || blockSize > MAX_ALIGNMENT || Integer.bitCount((int) blockSize) != 1) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
            return null; // EINVAL from open: this filesystem has no direct I/O
        }
        return new UncachedWriter(channel, (int) blockSize);
    }

    /**
     * Writes {@code source}'s remaining bytes at {@code offset}, consuming them; false, writing
     * nothing, when the offset or the length is not a multiple of the filesystem's block size.
     */
    boolean write(long offset, ByteBuffer source) throws IOException {
        int length = source.remaining();
        if (offset % alignment != 0 || length % alignment != 0) {
            return false;
        }
        if (source.isDirect() && MemorySegment.ofBuffer(source).address() % alignment == 0) {
            writeFully(offset, source);
            return true;
        }
        ByteBuffer staging = staging();
        long position = offset;
        while (source.hasRemaining()) {
            int chunk = Math.min(source.remaining(), staging.capacity());
            staging.clear().limit(chunk);
            staging.put(source.slice(source.position(), chunk)).flip();
            source.position(source.position() + chunk);
            writeFully(position, staging);
            position += chunk;
        }
        return true;
    }

    private void writeFully(long offset, ByteBuffer aligned) throws IOException {
        long position = offset;
        while (aligned.hasRemaining()) {
            position += channel.write(aligned, position);
        }
    }

    /** The writing thread's staging buffer, aligned for any block size served. */
    private static ByteBuffer staging() {
        ByteBuffer staging = STAGING.get();
        if (staging == null) {
            staging = ByteBuffer.allocateDirect(STAGING_BYTES + MAX_ALIGNMENT).alignedSlice(MAX_ALIGNMENT);
            STAGING.set(staging);
        }
        return staging;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
