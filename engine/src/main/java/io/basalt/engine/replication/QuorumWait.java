package io.basalt.engine.replication;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * Writes waiting for the volume to have CF healthy replicas again, each until a deadline, rather
 * than failing at once: a pool restarting, or a second replica lost while another rebuilds, is then
 * a pause for the initiator instead of an I/O error that a file system may answer by turning
 * read-only. The wait counts from the moment writes first found the quorum gone, so a write that
 * comes late in an outage waits only for what is left of it and one past it fails at once; it starts
 * afresh once the quorum is back. A write that waited before keeps its deadline, so
 * none waits longer than the wait in all. Callers hold the write set's lock and pass the time
 * ({@link System#nanoTime()}).
 */
final class QuorumWait {

    /** The deadline of a write that has not waited yet. */
    static final long NOT_WAITED = Long.MIN_VALUE;

    /** A write kept for the quorum: dispatched again with its deadline, or failed through {@code result}. */
    record Held(LongConsumer dispatchAgain, long deadline, CompletableFuture<Void> result) {
    }

    /** What becomes of a write that needs the quorum. */
    enum Next {
        /** The quorum is there and the deadline not passed: send it again now. */
        DISPATCH_AGAIN,
        /** Kept until the quorum returns or the deadline passes. */
        HELD,
        /** Past its deadline, or the volume is closing: fail it as unavailable. */
        FAIL
    }

    private final long waitNanos;
    private final List<Held> held = new ArrayList<>();
    private boolean lost;
    private long lostAt;
    private boolean closed;

    QuorumWait(long waitNanos) {
        this.waitNanos = waitNanos;
    }

    /**
     * The deadline of a write that needed the quorum at {@code now}: {@code deadline} if it waited
     * before; else, when the volume has lost its quorum, the end of the wait for it, and when the
     * volume has it again already (the write goes out again at once), the wait counted from now.
     */
    long deadline(long deadline, boolean quorate, long now) {
        if (deadline != NOT_WAITED) {
            return deadline;
        }
        if (quorate) {
            return now + waitNanos;
        }
        if (!lost) {
            lost = true;
            lostAt = now;
        }
        return lostAt + waitNanos;
    }

    /**
     * Decides what becomes of {@code write} at {@code now}, and keeps it when it is to wait: the
     * deadline holds on every path, so a write that keeps failing while the volume is quorate is
     * not sent again forever.
     */
    Next admit(Held write, boolean quorate, long now) {
        if (now - write.deadline() >= 0) {
            return Next.FAIL;
        }
        if (quorate) {
            return Next.DISPATCH_AGAIN;
        }
        if (closed) {
            return Next.FAIL;
        }
        held.add(write);
        return Next.HELD;
    }

    /** The writes held, to dispatch again now that the quorum is back. */
    List<Held> release() {
        List<Held> released = List.copyOf(held);
        held.clear();
        return released;
    }

    /** The volume is closing: the writes held, to fail; none is held from now on. */
    List<Held> close() {
        closed = true;
        return release();
    }

    /** The writes whose deadline has passed by {@code now}, to fail. */
    List<Held> expired(long now) {
        List<Held> expired = new ArrayList<>();
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held write = it.next();
            if (now - write.deadline() >= 0) {
                expired.add(write);
                it.remove();
            }
        }
        return expired;
    }

    /** The quorum is back: the next loss of it starts a new wait. */
    void recovered() {
        lost = false;
    }
}
