package io.basalt.engine.replication;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Holds new writes back while the write set changes or a snapshot drains, and lets them through,
 * in arrival order, once nothing holds the gate. Callers hold the write set's lock; a released
 * dispatch checks the gate again, so one that closed meanwhile holds it once more.
 */
final class DispatchGate {

    private final Queue<Runnable> held = new ArrayDeque<>();
    private int holds;

    /** True (and {@code retry} kept for later) while the gate is closed. */
    boolean holding(Runnable retry) {
        if (holds == 0) {
            return false;
        }
        held.add(retry);
        return true;
    }

    void close() {
        holds++;
    }

    /** Releases one hold; returns the dispatches to retry, to be run outside the lock. */
    Queue<Runnable> open() {
        holds--;
        if (holds > 0) {
            return new ArrayDeque<>();
        }
        Queue<Runnable> released = new ArrayDeque<>(held);
        held.clear();
        return released;
    }
}
