package io.basalt.engine.block;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * A Linux file descriptor for the calls that {@link java.nio.channels.FileChannel} lacks:
 * hole punching, allocation ahead of writes, writeback started early, hole seeking, truncation,
 * the allocated-block count and reads that never wait for the disk. Linux x86-64/aarch64 only,
 * through the Foreign Function and Memory API.
 */
public final class NativeFile implements AutoCloseable {

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int SYNC_FILE_RANGE_WRITE = 2;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int EOPNOTSUPP = 95;
    /** preadv2 flag: fail with EAGAIN rather than wait for data that is not in the page cache. */
    private static final int RWF_NOWAIT = 0x08;
    /** What {@link #readCached} returns when the data is not at hand without waiting. */
    public static final int NOT_CACHED = -1;
    /** Offset of st_blocks in the 64-bit Linux struct stat, and the struct's size. */
    private static final long STAT_BLOCKS_OFFSET = 64;
    private static final long STAT_SIZE = 144;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = function("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = function("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle FALLOCATE = function("fallocate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    private static final MethodHandle LSEEK = function("lseek",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle FTRUNCATE = function("ftruncate",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle SYNC_FILE_RANGE = function("sync_file_range",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle PREADV2 = function("preadv2",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final long IOVEC_SIZE = 16;
    /** One iovec and one errno capture per thread, so that the read path allocates no native memory. */
    private static final ThreadLocal<MemorySegment> READ_SCRATCH = ThreadLocal.withInitial(() ->
            Arena.ofAuto().allocate(IOVEC_SIZE + CALL_STATE.byteSize(), 8));
    private static final MethodHandle FSTAT = function("fstat",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    private final Path path;
    private final int fd;
    /** Cleared once the file system refuses RWF_NOWAIT, so that it is not asked again. */
    private volatile boolean cachedReadsSupported = true;
    /** Cleared once the file system refuses to allocate ahead, likewise. */
    private volatile boolean allocationSupported = true;

    private NativeFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens an existing file for reading and writing. */
    public static NativeFile open(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment name = arena.allocateFrom(path.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(state, name, O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("open", path, state);
            }
            return new NativeFile(path, fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("open " + path, t);
        }
    }

    /** Frees the blocks of a range, keeping the file size; the range reads as zeroes afterwards. */
    public void punchHole(long offset, long length) throws IOException {
        int errno = fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
        if (errno != 0) {
            throw failure("fallocate(PUNCH_HOLE)", path, errno);
        }
    }

    /**
     * Reserves blocks for a range without changing what it reads (holes become allocated zeros)
     * and grows the file to cover it, never shrinking it; nothing where the file system cannot.
     */
    public void allocate(long offset, long length) throws IOException {
        if (!allocationSupported) {
            return;
        }
        int errno = fallocate(0, offset, length);
        if (errno == EOPNOTSUPP) {
            allocationSupported = false;
        } else if (errno != 0) {
            throw failure("fallocate", path, errno);
        }
    }

    /**
     * Starts writing back the dirty pages of a range without waiting for them: a later fsync then
     * finds them written or under way.
     */
    public void startWriteback(long offset, long length) throws IOException {
        call("sync_file_range", state -> (int) SYNC_FILE_RANGE.invokeExact(state, fd, offset, length,
                SYNC_FILE_RANGE_WRITE));
    }

    /** 0, or the errno of the failed call. */
    private int fallocate(int mode, long offset, long length) throws IOException {
        return errnoOf("fallocate", state -> (int) FALLOCATE.invokeExact(state, fd, mode, offset, length));
    }

    /**
     * Reads into {@code target} from the page cache only: the bytes read (fewer at the end of the
     * file, 0 past it), or {@link #NOT_CACHED} when any of them would have to come from the disk,
     * or the file system cannot tell without waiting.
     */
    public int readCached(long offset, MemorySegment target) throws IOException {
        if (!cachedReadsSupported) {
            return NOT_CACHED;
        }
        MemorySegment scratch = READ_SCRATCH.get();
        MemorySegment iovec = scratch.asSlice(0, IOVEC_SIZE);
        MemorySegment state = scratch.asSlice(IOVEC_SIZE, CALL_STATE.byteSize());
        iovec.set(ValueLayout.ADDRESS, 0, target);
        iovec.set(ValueLayout.JAVA_LONG, 8, target.byteSize());
        long n;
        try {
            n = (long) PREADV2.invokeExact(state, fd, iovec, 1, offset, RWF_NOWAIT);
        } catch (Throwable t) {
            throw new IOException("preadv2 " + path, t);
        }
        if (n >= 0) {
            return (int) n;
        }
        int errno = errno(state);
        if (errno == EOPNOTSUPP) {
            cachedReadsSupported = false;
            return NOT_CACHED;
        }
        if (errno == EAGAIN || errno == EINTR) {
            return NOT_CACHED;
        }
        throw failure("preadv2", path, state);
    }

    /** The offset of the first data at or after {@code offset}, or -1 when only a hole follows. */
    public long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA);
    }

    /** The offset of the first hole at or after {@code offset} (the end of file counts as one). */
    public long nextHole(long offset) throws IOException {
        return seek(offset, SEEK_HOLE);
    }

    private long seek(long offset, int whence) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long result = (long) LSEEK.invokeExact(state, fd, offset, whence);
            if (result < 0) {
                if (errno(state) == ENXIO) {
                    return -1;
                }
                throw failure("lseek", path, state);
            }
            return result;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("lseek " + path, t);
        }
    }

    /** Sets the file's size. */
    void truncate(long size) throws IOException {
        call("ftruncate", state -> (int) FTRUNCATE.invokeExact(state, fd, size));
    }

    /** A call that returns 0, or -1 with errno in {@code state}. */
    @FunctionalInterface
    private interface Call {
        int invoke(MemorySegment state) throws Throwable;
    }

    /** Runs {@code call}, again when a signal interrupted it; any other failure throws with its errno. */
    private void call(String name, Call call) throws IOException {
        int errno = errnoOf(name, call);
        if (errno != 0) {
            throw failure(name, path, errno);
        }
    }

    /** Runs {@code call}, again when a signal interrupted it: 0, or the errno it failed with. */
    private int errnoOf(String name, Call call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc;
            do {
                rc = call.invoke(state);
            } while (rc != 0 && errno(state) == EINTR);
            return rc == 0 ? 0 : errno(state);
        } catch (Throwable t) {
            throw new IOException(name + " " + path, t);
        }
    }

    /** The bytes of storage the file occupies (st_blocks times 512). */
    long allocatedBytes() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment stat = arena.allocate(STAT_SIZE, 8);
            int rc = (int) FSTAT.invokeExact(state, fd, stat);
            if (rc != 0) {
                throw failure("fstat", path, state);
            }
            return stat.get(ValueLayout.JAVA_LONG, STAT_BLOCKS_OFFSET) * 512;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("fstat " + path, t);
        }
    }

    @Override
    public void close() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            if (rc != 0) {
                throw failure("close", path, state);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("close " + path, t);
        }
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        MemorySegment address = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(address, descriptor, all);
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(String call, Path path, MemorySegment state) {
        return failure(call, path, errno(state));
    }

    private static IOException failure(String call, Path path, int errno) {
        return new IOException(call + " on " + path + " failed with errno " + errno);
    }
}
