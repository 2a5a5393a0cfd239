package io.basalt.engine.replica.store;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.sun.nio.file.ExtendedOpenOption;
import io.basalt.engine.block.NativeFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a data file around the page cache (O_DIRECT), for bulk data that nobody reads soon: a
 * rebuild's copy. Through the page cache such a copy would push the application's cached data out
 * and leave the whole copy dirty, to be written back by the flush that ends the rebuild, while the
 * replica waits to count as healthy; around it the data is on the disk when the write returns.
 *
 * <p>Direct I/O needs the file offset, the length and the memory address aligned to the
 * filesystem's block size; data at an unaligned address is staged through an aligned buffer of the
 * writing thread. Where the filesystem refuses direct I/O, or a write is small or not block-aligned
 * in the file, {@link #write} declines and the caller writes through the page cache.
 */
final class UncachedWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UncachedWriter.class);

    /**
     * The least data written around the page cache: each direct write waits for the disk, which
     * for a few blocks costs more than the copy into the page cache that it saves.
     */
    static final int MIN_BYTES = 128 << 10;
    /** Bytes staged per system call when the data's address is not aligned. */
    private static final int STAGING_BYTES = 1 << 20;
    /** The largest filesystem block size served; larger ones (none in use) decline direct I/O. */
    private static final int MAX_ALIGNMENT = 64 << 10;

    private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

    private final FileChannel channel;
    private final NativeFile file;
    private final int alignment;

    private UncachedWriter(FileChannel channel, NativeFile file, int alignment) {
        this.channel = channel;
        this.file = file;
        this.alignment = alignment;
    }

    /**
     * Opens {@code path} for direct writes, {@code file} being the same file as its layer holds it
     * (which stays the layer's to close); null where the filesystem does not do direct I/O.
     */
    static UncachedWriter open(Path path, NativeFile file) throws IOException {
        long blockSize = Files.getFileStore(path).getBlockSize();
        if (blockSize <= 0 || blockSize > MAX_ALIGNMENT || Integer.bitCount((int) blockSize) != 1) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        } catch (UnsupportedOperationException | IOException e) {
            // EINVAL where the filesystem has no direct I/O; anything else is said, as the layer keeps the answer
            LOG.info("data file not opened for direct writes; copies into it go through the page cache: {} {}",
                    kv("file", path.toString()), kv("reason", e.toString()));
            return null;
        }
        return new UncachedWriter(channel, file, (int) blockSize);
    }

    /**
     * Writes {@code source}'s remaining bytes at {@code offset}, consuming them; false, writing
     * nothing, when the offset or the length is not a multiple of the filesystem's block size, or
     * the data is under {@link #MIN_BYTES}.
     */
    boolean write(long offset, ByteBuffer source) throws IOException {
        int length = source.remaining();
        if (length < MIN_BYTES || offset % alignment != 0 || length % alignment != 0) {
            return false;
        }
        // Allocated beforehand (which also grows the file), the blocks take the direct write as an
        // overwrite, which the filesystem lets run beside others rather than one at a time.
        file.allocate(offset, length);
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
