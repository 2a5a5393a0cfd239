package io.basalt.engine.replica.store;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.MemoryLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * What the JDK's FileChannel cannot do with a sparse file, through a file descriptor of its own:
 * deallocate ranges ({@code fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)}; they read as
 * zeros afterwards and their space goes back to the filesystem) and find allocated ranges
 * ({@code lseek(SEEK_DATA / SEEK_HOLE)}).
 */
final class SparseFileDescriptor implements AutoCloseable {

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int FALLOC_FL_KEEP_SIZE = 0x01;
    private static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final int ENXIO = 6;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(
            MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FALLOCATE = downcall("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle LSEEK = downcall("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final Path file;
    private final int descriptor;

    SparseFileDescriptor(Path file) throws IOException {
        this.file = file;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment path = arena.allocateFrom(file.toString());
            int fd = (int) OPEN.invokeExact(state, path, O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + file + " failed: errno " + errno(state));
            }
            this.descriptor = fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Deallocates [offset, offset + length); it reads as zeros afterwards. */
    void punch(long offset, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) FALLOCATE.invokeExact(state, descriptor,
                    FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
            if (result != 0) {
                throw new IOException("punching a hole at " + offset + "+" + length + " in " + file
                        + " failed: errno " + errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The start of the first allocated range at or after {@code offset}, or -1 when there is none. */
    long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA);
    }

    /** The start of the first hole at or after {@code offset} (the end of the file counts as one). */
    long nextHole(long offset) throws IOException {
        return seek(offset, SEEK_HOLE);
    }

    private long seek(long offset, int whence) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long result = (long) LSEEK.invokeExact(state, descriptor, offset, whence);
            if (result < 0) {
                int errno = errno(state);
                if (errno == ENXIO) {
                    return -1;
                }
                throw new IOException("lseek in " + file + " failed: errno " + errno);
            }
            return result;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            if ((int) CLOSE.invokeExact(state, descriptor) != 0) {
                throw new IOException("close of " + file + " failed: errno " + errno(state));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        SymbolLookup libc = LINKER.defaultLookup();
        MemorySegment symbol = libc.find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }
}
