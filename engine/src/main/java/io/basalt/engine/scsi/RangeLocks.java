package io.basalt.engine.scsi;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Orders commands that touch the same logical blocks where SBC-3 requires it. Writes take a
 * shared lock on their range and run concurrently with each other; COMPARE AND WRITE takes an
 * exclusive one, so no other write to its range runs between its read and its write. Requests
 * are granted in arrival order among those that overlap.
 */
final class RangeLocks {

    /** A granted lock; {@link #release()} it exactly once. */
    final class Lease {
        private final long first;
        private final long end;
        private final boolean exclusive;
        private final CompletableFuture<Lease> granted = new CompletableFuture<>();

        private Lease(long first, long count, boolean exclusive) {
            this.first = first;
            this.end = first + count;
            this.exclusive = exclusive;
        }

        private boolean conflictsWith(Lease other) {
            return (exclusive || other.exclusive) && first < other.end && other.first < end;
        }

        void release() {
            RangeLocks.this.release(this);
        }
    }

    private final List<Lease> held = new ArrayList<>();
    private final List<Lease> waiting = new ArrayList<>();

    CompletableFuture<Lease> acquireShared(long firstBlock, long count) {
        return acquire(new Lease(firstBlock, count, false));
    }

    CompletableFuture<Lease> acquireExclusive(long firstBlock, long count) {
        return acquire(new Lease(firstBlock, count, true));
    }

    private CompletableFuture<Lease> acquire(Lease lease) {
        synchronized (this) {
            if (conflicts(lease, held, held.size()) || conflicts(lease, waiting, waiting.size())) {
                waiting.add(lease);
                return lease.granted;
            }
            held.add(lease);
        }
        lease.granted.complete(lease);
        return lease.granted;
    }

    private void release(Lease lease) {
        List<Lease> grant = new ArrayList<>();
        synchronized (this) {
            held.remove(lease);
            int index = 0;
            for (Iterator<Lease> it = waiting.iterator(); it.hasNext(); index++) {
                Lease candidate = it.next();
                if (!conflicts(candidate, held, held.size()) && !conflicts(candidate, waiting, index)) {
                    it.remove();
                    index--;
                    held.add(candidate);
                    grant.add(candidate);
                }
            }
        }
        grant.forEach(granted -> granted.granted.complete(granted));
    }

    private static boolean conflicts(Lease lease, List<Lease> others, int limit) {
        for (int i = 0; i < limit; i++) {
            if (lease.conflictsWith(others.get(i))) {
                return true;
            }
        }
        return false;
    }
}
