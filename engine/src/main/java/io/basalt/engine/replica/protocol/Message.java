package io.basalt.engine.replica.protocol;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * Every message of the replica protocol; requests go to the pool, the rest come back. A
 * {@link Write} or {@link Data} carries its bytes in a reference-counted buffer, which travels
 * with its {@link Frame} (see there) so that data crosses from the network to the disk and back
 * without being copied.
 */
public sealed interface Message {

    /** The data buffer the message carries, or null. */
    default ByteBuf carried() {
        return null;
    }

    /** Sent by the server on connect; the client proves it knows the volume's secret against {@code nonce}. */
    record Challenge(byte[] nonce) implements Message {
    }

    /**
     * {@code writer}: the connection of the volume's target, which changes the replica; a newer
     * writer's connection supersedes an older one. Otherwise a reader, such as a pool copying from
     * the replica to rebuild another.
     */
    record Hello(String replica, boolean writer, byte[] proof) implements Message {
    }

    /**
     * The answer to a successful hello: the replica's state. {@code epochSetSize} replicas received
     * its epoch, each write of which {@code epochConsistencyFactor} of them acknowledged; both 0 when
     * unknown. {@code unflushedWritesMayBeLost}: its machine, or its pool server without closing the pool,
     * restarted since it last changed unmarked.
     */
    record Welcome(long sizeBytes, long epoch, int epochSetSize, int epochConsistencyFactor, long consistentThrough,
                   boolean unflushedWritesMayBeLost) implements Message {
    }

    /** {@code fua}: durable before the acknowledgement. */
    record Write(long offset, long sequence, long epoch, boolean fua, ByteBuf data) implements Message {
        @Override
        public ByteBuf carried() {
            return data;
        }
    }

    record Read(long offset, int length) implements Message {
    }

    /**
     * Reads a range for a copy: the answer ({@link SparseData}) leaves out whole blocks of zeros,
     * which the copy deallocates rather than writes.
     */
    record ReadSparse(long offset, int length) implements Message {
    }

    record Unmap(long offset, long length, long sequence, long epoch) implements Message {
    }

    /** Makes every acknowledged write durable; then, when {@code consistentThrough >= 0}, persists it. */
    record Flush(long epoch, long consistentThrough) implements Message {
    }

    /** Persists {@code epoch}, given to a write set of {@code setSize} replicas writing with {@code consistencyFactor}. */
    record SetEpoch(long epoch, int setSize, int consistencyFactor) implements Message {
    }

    record Ping() implements Message {
    }

    /** Freezes the replica's content as {@code name}; a snapshot of that name already there is success. */
    record Snapshot(String name, long epoch) implements Message {
    }

    /** Whether the replica holds snapshot {@code name}; answered with {@link SnapshotHeld}. */
    record QuerySnapshot(String name) implements Message {
    }

    /** Whether the snapshot asked about is there and, when it is, when it was taken (milliseconds since the Unix epoch). */
    record SnapshotHeld(boolean held, long createdMillis) implements Message {
    }

    /** Grows the replica; its current size is success, a smaller one is refused. */
    record Resize(long sizeBytes, long epoch) implements Message {
    }

    /**
     * Copies [offset, offset + length) into this replica from replica {@code sourceReplica} of the
     * same volume on the pool whose replica protocol is at {@code sourceHost}:{@code sourcePort}, as
     * that replica holds the range: its written data, the rest deallocated. The pool reads the source
     * itself, proving the volume's secret as any client does, and applies the copy as a change of
     * {@code sequence} under {@code epoch}. Answered with {@link Done}, or a {@link Failure} whose code
     * is {@link ErrorCode#SOURCE_FAILED} when the source could not be read.
     */
    record CopyFrom(long offset, long length, String sourceHost, int sourcePort, String sourceReplica, long sequence,
                    long epoch) implements Message {
    }

    /** Asks how [offset, offset + length) is allocated; answered with {@link Extents}. */
    record Allocation(long offset, long length) implements Message {
    }

    /**
     * Asks which regions were written since the replica's last consistent-through mark, from
     * region {@code fromRegion} on; answered with {@link WrittenRegions}.
     */
    record QueryWrittenRegions(long fromRegion) implements Message {
    }

    /**
     * Asks for the CRC32C of the content of {@code count} regions of {@link WrittenRegions#REGION_BYTES}
     * from region {@code fromRegion} on, computed on the pool; answered with {@link Checksums}.
     */
    record RegionChecksums(long fromRegion, int count) implements Message {
        /** The most regions one request covers. */
        public static final int MAX_REGIONS = 16_384;
    }

    /** One CRC32C per region asked for, in order; fewer when the replica ends first. */
    record Checksums(int[] crcs) implements Message {
    }

    /** Success of a request that returns nothing. */
    record Done() implements Message {
    }

    record Data(ByteBuf data) implements Message {
        @Override
        public ByteBuf carried() {
            return data;
        }
    }

    /**
     * A range as {@link ReadSparse} asked for it: {@code runs} cover it in order, the mapped ones
     * holding data, which {@code data} carries one after another; the others read as zeros.
     */
    record SparseData(List<Extent> runs, ByteBuf data) implements Message {
        public SparseData {
            runs = List.copyOf(runs);
        }

        @Override
        public ByteBuf carried() {
            return data;
        }
    }

    record Failure(ErrorCode code, String message) implements Message {
    }

    /** Contiguous extents in order from the asked offset, each entirely mapped or entirely deallocated. */
    record Extents(List<Extent> extents) implements Message {
        public Extents {
            extents = List.copyOf(extents);
        }
    }

    record Extent(long offset, long length, boolean mapped) {
        public long end() {
            return offset + length;
        }
    }

    /**
     * Regions of {@link #REGION_BYTES} written since the last consistent-through mark, each with
     * the highest sequence number written to it. {@code complete} is false when the pool server
     * has not seen a mark since it opened the replica: writes from before it started are not
     * listed. {@code nextRegion} is where to continue, or -1 when the list is whole.
     */
    record WrittenRegions(boolean complete, long[] regions, long[] sequences, long nextRegion) implements Message {
        public static final int REGION_BYTES = 1 << 16;

        public WrittenRegions {
            if (regions.length != sequences.length) {
                throw new IllegalArgumentException(regions.length + " regions with " + sequences.length
                        + " sequences");
            }
        }
    }
}
