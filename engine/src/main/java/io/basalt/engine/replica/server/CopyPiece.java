package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * Part of a copy that is read from the source with one request: consecutive extents of the
 * source's allocation, and the span from the first of its mapped extents to the end of the last,
 * which is what is read. A fragmented replica (runs of a few blocks between holes) is thus read a
 * megabyte at a time, the holes inside the span read with it (and, being zeros, left out of the
 * answer: see {@link #runs}), rather than with one request per run.
 *
 * @param extents the extents, mapped or not, in order and adjacent
 * @param readOffset where the span read starts (0 when nothing is mapped)
 * @param readLength the span's bytes; 0 when nothing is mapped
 */
record CopyPiece(List<Message.Extent> extents, long readOffset, int readLength) {

    CopyPiece {
        extents = List.copyOf(extents);
    }

    /**
     * Cuts {@code extents} into pieces each reading at most {@code maxRead} bytes; mapped extents
     * longer than that are cut themselves.
     */
    static List<CopyPiece> cut(List<Message.Extent> extents, int maxRead) {
        List<CopyPiece> pieces = new ArrayList<>();
        List<Message.Extent> current = new ArrayList<>();
        long spanStart = -1;
        long spanEnd = -1;
        for (Message.Extent extent : extents) {
            if (!extent.mapped()) {
                current.add(extent);
                continue;
            }
            for (long at = extent.offset(); at < extent.end(); ) {
                if (spanStart >= 0 && at - spanStart >= maxRead) {
                    pieces.add(new CopyPiece(current, spanStart, (int) (spanEnd - spanStart)));
                    current.clear();
                    spanStart = -1;
                }
                if (spanStart < 0) {
                    spanStart = at;
                }
                long take = Math.min(spanStart + maxRead - at, extent.end() - at);
                current.add(new Message.Extent(at, take, true));
                at += take;
                spanEnd = at;
            }
        }
        if (!current.isEmpty()) {
            pieces.add(spanStart < 0 ? new CopyPiece(current, 0, 0)
                    : new CopyPiece(current, spanStart, (int) (spanEnd - spanStart)));
        }
        return pieces;
    }

    /**
     * What applying the piece does, {@code spanRuns} being its span as the source answered it
     * ({@link Message.SparseData}): runs to write (mapped) and runs to deallocate, in order,
     * adjacent runs of a kind joined. Holes inside the span come back as runs of zeros.
     */
    List<Message.Extent> runs(List<Message.Extent> spanRuns) {
        SparseRuns runs = new SparseRuns();
        boolean spanAdded = false;
        for (Message.Extent extent : extents) {
            if (readLength == 0 || extent.end() <= readOffset || extent.offset() >= readOffset + readLength) {
                runs.add(extent.offset(), extent.end(), false);
            } else if (!spanAdded) {
                spanRuns.forEach(run -> runs.add(run.offset(), run.end(), run.mapped()));
                spanAdded = true;
            }
        }
        return runs.toList();
    }
}
