package io.basalt.engine.block;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thin-provisioned block device in a sparse file. Deallocation punches holes so that the file
 * system gets the space back, and the allocation query asks the file system where data and holes
 * are.
 *
 * <p>Small transfers that are only memory copies run on the caller's thread and complete before
 * returning: reads the page cache holds entirely, and writes without forced unit access, which
 * the page cache takes in. Handing those to another thread and back would cost more than the
 * copy. Everything that may wait for the disk (uncached reads, forced writes, flushes, hole
 * punching, large transfers) runs on a small pool of the device's own threads.
 */
public final class FileBlockDevice implements BlockDevice {

    /** Extents reported by one allocation query at most; callers ask again for the rest. */
    static final int MAX_EXTENTS = 1024;
    /** The largest read or write done on the caller's thread. */
    static final int INLINE_TRANSFER_LIMIT = 64 << 10;

    private final Path path;
    private final int blockSize;
    private final FileChannel channel;
    private final NativeFile nativeFile;
    private final ExecutorService io;
    private final ByteBufAllocator allocator;
    private volatile long size;

    private FileBlockDevice(Path path, int blockSize, long size, FileChannel channel, NativeFile nativeFile,
                            int ioThreads, ByteBufAllocator allocator) {
        this.path = path;
        this.blockSize = blockSize;
        this.size = size;
        this.channel = channel;
        this.nativeFile = nativeFile;
        this.allocator = allocator;
        AtomicInteger threadNumber = new AtomicInteger();
        this.io = Executors.newFixedThreadPool(ioThreads, task -> {
            Thread thread = new Thread(task, "block-io-" + path.getFileName() + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the sparse file at {@code path}, creating it when missing and growing it to
     * {@code size} bytes.
     *
     * @param ioThreads threads doing the blocking file I/O
     * @throws BlockDeviceException.InvalidSize when the file is larger than {@code size} or
     *     {@code size} is not a multiple of {@code blockSize}
     */
    public static FileBlockDevice open(Path path, long size, int blockSize, int ioThreads,
                                       ByteBufAllocator allocator) throws IOException {
        if (blockSize <= 0 || Integer.bitCount(blockSize) != 1 || size <= 0 || size % blockSize != 0) {
            throw new BlockDeviceException.InvalidSize(size, 0, blockSize);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        NativeFile nativeFile = null;
        try {
            nativeFile = NativeFile.open(path);
            long existing = Files.size(path);
            if (existing > size) {
                throw new BlockDeviceException.InvalidSize(size, existing, blockSize);
            }
            if (existing < size) {
                nativeFile.truncate(size);
            }
            return new FileBlockDevice(path, blockSize, size, channel, nativeFile, ioThreads, allocator);
        } catch (IOException | RuntimeException e) {
            if (nativeFile != null) {
                nativeFile.close();
            }
            channel.close();
            throw e;
        }
    }

    /** The file holding the device's data. */
    public Path path() {
        return path;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long size() {
        return size;
    }

    /** The bytes of storage the file occupies now: less than its size where it has holes. */
    public long allocatedBytes() throws IOException {
        return nativeFile.allocatedBytes();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        CompletableFuture<ByteBuf> invalid = checkRange(offset, length);
        if (invalid != null) {
            return invalid;
        }
        ByteBuf buffer = allocator.directBuffer(length, length);
        ByteBuffer target = buffer.nioBuffer(0, length);
        if (length <= INLINE_TRANSFER_LIMIT && target.isDirect()) {
            try {
                if (nativeFile.readCached(offset, MemorySegment.ofBuffer(target)) == length) {
                    buffer.writerIndex(length);
                    return CompletableFuture.completedFuture(buffer);
                }
            } catch (IOException e) {
                buffer.release();
                return CompletableFuture.failedFuture(new BlockDeviceException.MediumError("read", path.toString(), e));
            }
        }
        CompletableFuture<ByteBuf> result = submit("read", offset, length, () -> {
            readFully(target, offset);
            buffer.writerIndex(length);
            return buffer;
        });
        result.whenComplete((done, failure) -> {
            if (failure != null) {
                buffer.release();
            }
        });
        return result;
    }

    private void readFully(ByteBuffer target, long offset) throws IOException {
        long position = offset;
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                // Past the end of a file being grown: the rest is a hole.
                while (target.hasRemaining()) {
                    target.put((byte) 0);
                }
                return;
            }
            position += n;
        }
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean forceUnitAccess) {
        int length = data.readableBytes();
        if (!forceUnitAccess && length <= INLINE_TRANSFER_LIMIT) {
            CompletableFuture<Void> invalid = checkRange(offset, length);
            if (invalid != null) {
                return invalid;
            }
            try {
                writeFully(data.nioBuffer(data.readerIndex(), length), offset);
                return CompletableFuture.completedFuture(null);
            } catch (IOException e) {
                return CompletableFuture.failedFuture(new BlockDeviceException.MediumError("write", path.toString(), e));
            }
        }
        return submit("write", offset, length, () -> {
            writeFully(data.nioBuffer(data.readerIndex(), length), offset);
            if (forceUnitAccess) {
                channel.force(false);
            }
            return null;
        });
    }

    private void writeFully(ByteBuffer source, long offset) throws IOException {
        long position = offset;
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
    }

    @Override
    public CompletableFuture<Void> flush() {
        return submit("flush", 0, 0, () -> {
            channel.force(false);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> deallocate(long offset, long length) {
        return submit("deallocate", offset, length, () -> {
            if (length > 0) {
                nativeFile.punchHole(offset, length);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<List<Extent>> allocation(long offset, long length) {
        return submit("allocation", offset, Math.max(length, blockSize), () -> scan(offset, Math.max(length, blockSize)));
    }

    private List<Extent> scan(long offset, long length) throws IOException {
        long end = offset + length;
        List<Extent> extents = new ArrayList<>();
        long position = offset;
        while (position < end && extents.size() < MAX_EXTENTS) {
            long data = nativeFile.nextData(position);
            if (data < 0 || data >= end) {
                extents.add(new Extent(position, end - position, false));
                break;
            }
            long dataStart = alignDown(data);
            if (dataStart > position) {
                extents.add(new Extent(position, dataStart - position, false));
                position = dataStart;
                continue;
            }
            long dataEnd = Math.min(end, alignUp(nativeFile.nextHole(data)));
            extents.add(new Extent(position, dataEnd - position, true));
            position = dataEnd;
        }
        return extents;
    }

    @Override
    public CompletableFuture<Void> resize(long newSize) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    synchronized (this) {
                        if (newSize < size || newSize % blockSize != 0) {
                            throw new BlockDeviceException.InvalidSize(newSize, size, blockSize);
                        }
                        nativeFile.truncate(newSize);
                        channel.force(true);
                        size = newSize;
                    }
                    result.complete(null);
                } catch (IOException e) {
                    result.completeExceptionally(new BlockDeviceException.MediumError("resize", path.toString(), e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new BlockDeviceException.Closed(path.toString()));
        }
        return result;
    }

    @Override
    public void close() {
        io.shutdown();
        try {
            channel.close();
        } catch (IOException ignored) {
            // Closing is best effort: nothing useful remains to do with the file.
        }
        try {
            nativeFile.close();
        } catch (IOException ignored) {
            // As above.
        }
    }

    @Override
    public String toString() {
        return "FileBlockDevice[" + path + "]";
    }

    private long alignDown(long offset) {
        return offset - offset % blockSize;
    }

    private long alignUp(long offset) {
        long remainder = offset % blockSize;
        return remainder == 0 ? offset : offset + blockSize - remainder;
    }

    private interface IoTask<T> {
        T run() throws IOException;
    }

    /** A future failed with the reason the range is unusable, or {@code null} when it is fine. */
    private <T> CompletableFuture<T> checkRange(long offset, long length) {
        long currentSize = size;
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0
                || offset > currentSize || length > currentSize - offset) {
            return CompletableFuture.failedFuture(new BlockDeviceException.InvalidRange(offset, length, currentSize, blockSize));
        }
        if (io.isShutdown()) {
            return CompletableFuture.failedFuture(new BlockDeviceException.Closed(path.toString()));
        }
        return null;
    }

    private <T> CompletableFuture<T> submit(String operation, long offset, long length, IoTask<T> task) {
        CompletableFuture<T> invalid = checkRange(offset, length);
        if (invalid != null) {
            return invalid;
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    result.complete(task.run());
                } catch (IOException e) {
                    result.completeExceptionally(new BlockDeviceException.MediumError(operation, path.toString(), e));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new BlockDeviceException.Closed(path.toString()));
        }
        return result;
    }
}
