package io.basalt.engine.block;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A byte-addressed block device whose operations complete asynchronously.
 *
 * <p>No method waits for a disk or the network: every operation returns at once and completes its
 * future later, possibly on another thread, so that a network event loop can call it directly and
 * a replicated implementation can send the request to its replicas and complete once enough of
 * them answered. An operation that is only a short memory copy (a read from the page cache, say)
 * may complete before returning. Failures complete the future exceptionally with a
 * {@link BlockDeviceException}.
 *
 * <p>Offsets and lengths are bytes and must be multiples of {@link #blockSize()} and lie within
 * {@link #size()}; anything else fails with {@link BlockDeviceException.InvalidRange}.
 *
 * <p>Buffers are Netty {@link ByteBuf}s so that data can travel between the network and the
 * device without copying. Ownership:
 * <ul>
 *   <li>{@link #read} completes with a new buffer that the caller owns and must release.</li>
 *   <li>{@link #write} borrows {@code data}: it reads the readable bytes without changing the
 *       buffer's indices, takes its own reference (retain) if it needs the data after
 *       completing, and never releases the caller's reference. The caller keeps the buffer
 *       unchanged until the future completes and releases it afterwards.</li>
 * </ul>
 */
public interface BlockDevice extends AutoCloseable {

    /** The unit of addressing and allocation tracking, in bytes. */
    int blockSize();

    /** The current size in bytes. */
    long size();

    /** Reads {@code length} bytes at {@code offset}; deallocated ranges read as zeroes. */
    CompletableFuture<ByteBuf> read(long offset, int length);

    /**
     * Writes the readable bytes of {@code data} at {@code offset}.
     *
     * @param forceUnitAccess complete only once the data is on stable storage
     */
    CompletableFuture<Void> write(long offset, ByteBuf data, boolean forceUnitAccess);

    /** Makes every write that completed before this call durable. */
    CompletableFuture<Void> flush();

    /** Deallocates a range: it reads as zeroes afterwards and its space is given back. */
    CompletableFuture<Void> deallocate(long offset, long length);

    /**
     * Describes the allocation of the range starting at {@code offset}: contiguous extents, in
     * order, the first starting at {@code offset}; together they cover at least one block and at
     * most {@code length} bytes (fewer when the answer would be long).
     */
    CompletableFuture<List<Extent>> allocation(long offset, long length);

    /** Grows the device to {@code newSize} bytes while it stays in use; it never shrinks. */
    CompletableFuture<Void> resize(long newSize);

    /** Releases the device's resources; operations still running may fail. */
    @Override
    void close();

    /** A contiguous range that is either entirely mapped (holds data) or entirely deallocated. */
    record Extent(long offset, long length, boolean mapped) {
        public long end() {
            return offset + length;
        }
    }
}
