package io.basalt.engine.replication;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The writes, unmaps and rebuild copies under way, by byte range: an overlapping request waits, on
 * each replica, until the earlier ones are done there, so that every replica sees overlapping
 * changes in the same order while disjoint ones run freely. Callers hold the write set's lock.
 */
final class InFlightOps {

    /** One request in flight. */
    static final class Op {
        private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

        final long offset;
        final long end;
        /** Completes (always normally) when the request is over on that replica, whatever the outcome. */
        final Map<Member, CompletableFuture<Void>> perMember = new IdentityHashMap<>();
        /** Set for a copy: over on all its destinations at once (it changes no other replica). */
        final CompletableFuture<Void> copyDone;
        final CompletableFuture<Void> allDone = new CompletableFuture<>();
        private final AtomicInteger unfinished = new AtomicInteger();
        private final Consumer<Op> whenAllDone;
        /** What the initiator is told of a write or unmap; null for other requests. */
        private volatile CompletableFuture<Void> result;

        Op(long offset, long end, CompletableFuture<Void> copyDone, Consumer<Op> whenAllDone) {
            this.offset = offset;
            this.end = end;
            this.copyDone = copyDone;
            this.whenAllDone = whenAllDone;
        }

        /** When this request is over on {@code member} (at once if it never went there). */
        CompletableFuture<Void> doneOn(Member member) {
            CompletableFuture<Void> done = perMember.get(member);
            return done == null ? NONE : done;
        }

        boolean doneOnNow(Member member) {
            return doneOn(member).isDone();
        }

        /** The request is a write or unmap whose acknowledgement is {@code result}. */
        void acknowledgedBy(CompletableFuture<Void> result) {
            this.result = result;
        }

        /** Whether the volume acknowledged the write or unmap: a replica that has not answered it lags. */
        boolean acknowledged() {
            CompletableFuture<Void> answer = result;
            return answer != null && answer.isDone() && !answer.isCompletedExceptionally();
        }

        /** The request is over on {@code member}; the last member to finish ends it. */
        void finishedOn(Member member) {
            if (perMember.get(member).complete(null) && unfinished.decrementAndGet() == 0) {
                whenAllDone.accept(this);
            }
        }
    }

    private final List<Op> ops = new ArrayList<>();
    private final Object lock;

    InFlightOps(Object lock) {
        this.lock = lock;
    }

    /** Registers a request over [offset, end) going to {@code members}; returns it with the earlier overlapping ones. */
    Registered register(long offset, long end, List<Member> members) {
        List<Op> earlier = overlapping(offset, end);
        Op op = new Op(offset, end, null, this::finish);
        for (Member member : members) {
            op.perMember.put(member, new CompletableFuture<>());
        }
        add(op);
        return new Registered(op, earlier);
    }

    /**
     * Registers a copy into {@code destinations}, {@code done} when it is over: later requests over
     * [offset, end) wait for it on those replicas. On the others they need not: wherever a later
     * change lands on the source relative to the copy's reads, the destinations take it after the copy.
     */
    Registered registerCopy(long offset, long end, List<Member> destinations, CompletableFuture<Void> done) {
        List<Op> earlier = overlapping(offset, end);
        Op op = new Op(offset, end, done, this::finish);
        for (Member destination : destinations) {
            op.perMember.put(destination, done);
        }
        add(op);
        return new Registered(op, earlier);
    }

    record Registered(Op op, List<Op> earlier) {
        /** When every earlier overlapping request is over on {@code member}. */
        CompletableFuture<Void> earlierDoneOn(Member member) {
            if (earlier.isEmpty()) {
                return Op.NONE;
            }
            if (earlier.size() == 1) {
                return earlier.getFirst().doneOn(member);
            }
            return CompletableFuture.allOf(earlier.stream().map(e -> e.doneOn(member))
                    .toArray(CompletableFuture[]::new));
        }

        /** When every earlier overlapping request is over everywhere. */
        CompletableFuture<Void> earlierDone() {
            return CompletableFuture.allOf(earlier.stream().map(e -> e.allDone).toArray(CompletableFuture[]::new));
        }
    }

    List<Op> overlapping(long offset, long end) {
        List<Op> found = new ArrayList<>();
        for (Op op : ops) {
            if (op.offset < end && offset < op.end) {
                found.add(op);
            }
        }
        return found;
    }

    /** Everything in flight now. */
    List<Op> snapshot() {
        return List.copyOf(ops);
    }

    private void add(Op op) {
        ops.add(op);
        if (op.copyDone != null) {
            op.copyDone.whenComplete((ignored, failure) -> finish(op));
        } else if (op.perMember.isEmpty()) {
            finish(op);
        } else {
            op.unfinished.set(op.perMember.size());
        }
    }

    private void finish(Op op) {
        synchronized (lock) {
            ops.remove(op);
        }
        op.allDone.complete(null);
    }
}
