package io.basalt.engine.replica.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store calls one connection has under way, and whether a newer writer's connection to the
 * same replica superseded it. A call begun before the connection was superseded is waited for; one
 * that would begin after is not made.
 */
final class CallsUnderWay {

    private final AtomicInteger underWay = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final Runnable onSuperseded;
    private volatile boolean superseded;
    /** Done once the writer's connection this one superseded, and those before it, are done. */
    private volatile CompletableFuture<Void> predecessors = CompletableFuture.completedFuture(null);

    /** {@code onSuperseded}: closes the connection. */
    CallsUnderWay(Runnable onSuperseded) {
        this.onSuperseded = onSuperseded;
    }

    /** Counts a call that starts; false, counting nothing, when the connection was superseded: skip the call. */
    boolean begin() {
        underWay.incrementAndGet();
        if (superseded) {
            end();
            return false;
        }
        return true;
    }

    /** A call begun has returned. */
    void end() {
        if (underWay.decrementAndGet() == 0 && superseded) {
            drained.complete(null);
        }
    }

    boolean superseded() {
        return superseded;
    }

    /**
     * Makes no more calls begin and closes the connection; completes once the calls under way have
     * returned, and those of the connections it superseded. Either this or the last {@link #end()}
     * sees the other, so the wait always ends.
     */
    CompletableFuture<Void> supersede() {
        superseded = true;
        if (underWay.get() == 0) {
            drained.complete(null);
        }
        onSuperseded.run();
        return drained.thenCombine(predecessors, (mine, theirs) -> null);
    }

    /** Records what this connection, a writer's, waits for before it is welcomed. */
    void follow(CompletableFuture<Void> superseded) {
        predecessors = superseded;
    }

    CompletableFuture<Void> predecessors() {
        return predecessors;
    }
}
