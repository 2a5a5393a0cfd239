package io.basalt.engine.scsi;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The unit attention conditions pending for each I_T nexus of one logical unit (SAM-5 5.14).
 * A reset supersedes every other pending condition of the nexus.
 */
final class UnitAttentions {

    private final Map<Nexus, Deque<Sense>> pending = new ConcurrentHashMap<>();

    /** A new nexus starts with a power-on unit attention. */
    void nexusAdded(Nexus nexus) {
        Deque<Sense> queue = new ArrayDeque<>();
        queue.add(Sense.powerOnOrReset());
        pending.put(nexus, queue);
    }

    void nexusRemoved(Nexus nexus) {
        pending.remove(nexus);
    }

    /** Raises a condition for one nexus unless the same one is already pending. */
    void raise(Nexus nexus, Sense condition) {
        Deque<Sense> queue = pending.get(nexus);
        if (queue != null) {
            synchronized (queue) {
                if (!queue.contains(condition)) {
                    queue.add(condition);
                }
            }
        }
    }

    /** Raises a condition for every known nexus except {@code except} (may be null). */
    void raiseForOthers(Nexus except, Sense condition) {
        for (Nexus nexus : pending.keySet()) {
            if (!nexus.equals(except)) {
                raise(nexus, condition);
            }
        }
    }

    /** Replaces everything pending for every nexus with a reset condition. */
    void resetAll(Sense reset) {
        pending.forEach((nexus, queue) -> {
            synchronized (queue) {
                queue.clear();
                queue.add(reset);
            }
        });
    }

    /** Removes and returns the oldest pending condition of the nexus, or null. */
    Sense take(Nexus nexus) {
        Deque<Sense> queue = pending.get(nexus);
        if (queue == null) {
            return null;
        }
        synchronized (queue) {
            return queue.poll();
        }
    }
}
