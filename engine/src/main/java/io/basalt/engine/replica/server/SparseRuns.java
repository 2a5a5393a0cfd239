package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.Replica;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A range as a sparse copy sees it: runs of data and runs of zeros, in order, adjacent runs of a
 * kind joined (mapped extents being data). Whole blocks of zeros count as zeros, as
 * {@code cp --sparse=always} counts them: the copy leaves them deallocated, so that they take
 * neither the network, nor disk writes, nor space on the replica rebuilt.
 */
final class SparseRuns {

    private static final MemorySegment ZERO_BLOCK = MemorySegment.ofArray(new byte[Replica.BLOCK_BYTES]);

    private final List<Message.Extent> runs = new ArrayList<>();
    private long start = -1;
    private long end;
    private boolean data;

    /**
     * The runs of {@code span}'s readable bytes, read at {@code offset}: blocks are those of the
     * replica, and parts of blocks at either end count as data. Only the first bytes of a block
     * of data are looked at before it shows.
     */
    static List<Message.Extent> of(long offset, ByteBuf span) {
        int length = span.readableBytes();
        SparseRuns runs = new SparseRuns();
        if (length == 0) {
            return runs.toList();
        }
        MemorySegment bytes = MemorySegment.ofBuffer(span.nioBuffer(span.readerIndex(), length));
        long endOffset = offset + length;
        for (long at = offset; at < endOffset; ) {
            long blockEnd = Math.min(endOffset, (at / Replica.BLOCK_BYTES + 1) * Replica.BLOCK_BYTES);
            boolean zeros = blockEnd - at == Replica.BLOCK_BYTES && MemorySegment.mismatch(bytes, at - offset,
                    blockEnd - offset, ZERO_BLOCK, 0, Replica.BLOCK_BYTES) < 0;
            runs.add(at, blockEnd, !zeros);
            at = blockEnd;
        }
        return runs.toList();
    }

    /** Adds [from, to), which starts where the last range added ended or anywhere after it. */
    void add(long from, long to, boolean holdsData) {
        if (start >= 0 && (holdsData != data || from != end)) {
            runs.add(new Message.Extent(start, end - start, data));
            start = -1;
        }
        if (start < 0) {
            start = from;
            data = holdsData;
        }
        end = to;
    }

    List<Message.Extent> toList() {
        if (start >= 0) {
            runs.add(new Message.Extent(start, end - start, data));
            start = -1;
        }
        return List.copyOf(runs);
    }
}
