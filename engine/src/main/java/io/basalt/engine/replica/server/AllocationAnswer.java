package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.Extent;
import io.basalt.engine.replica.store.Replica;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Describes how a range of a replica is allocated, as mapped and deallocated extents in order. */
final class AllocationAnswer {

    /** Bounds the answer to well within a frame; the caller continues where it ends. */
    static final int MAX_EXTENTS = 8_192;

    private AllocationAnswer() {
    }

    static Message.Extents of(Replica replica, long offset, long length) {
        long size = replica.size();
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " is outside replica '"
                    + replica.name() + "' of " + size + " bytes");
        }
        long end = offset + length;
        List<Message.Extent> extents = new ArrayList<>();
        long position = offset;
        Iterator<Extent> allocated = replica.allocatedExtents(offset, length);
        boolean truncated = false;
        while (position < end && allocated.hasNext()) {
            if (extents.size() > MAX_EXTENTS - 2) {
                truncated = true;
                break;
            }
            Extent extent = allocated.next();
            if (extent.end() <= position) {
                continue;
            }
            if (extent.offset() >= end) {
                break;
            }
            if (extent.offset() > position) {
                extents.add(new Message.Extent(position, extent.offset() - position, false));
                position = extent.offset();
            }
            long mappedEnd = Math.min(extent.end(), end);
            extents.add(new Message.Extent(position, mappedEnd - position, true));
            position = mappedEnd;
        }
        if (!truncated && position < end) {
            extents.add(new Message.Extent(position, end - position, false));
        }
        return new Message.Extents(extents);
    }
}
