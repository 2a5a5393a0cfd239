package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaState;
import java.util.List;

/**
 * How many replicas of the newest epoch must answer before the volume opens. Every write of that
 * epoch was acknowledged by {@code consistencyFactor} of the {@code setSize} replicas the epoch
 * was given to, so any {@code setSize - consistencyFactor + 1} of them hold every acknowledged
 * write between them. Replicas whose epoch predates the record of its write set fall back to the
 * configured consistency factor.
 */
record StartupQuorum(int setSize, int consistencyFactor, boolean recorded) {

    /** The quorum of the epoch the {@code newest} replicas (all of the same epoch) report. */
    static StartupQuorum of(List<ReplicaState> newest, int configuredConsistencyFactor) {
        boolean recorded = !newest.isEmpty() && newest.stream()
                .allMatch(state -> state.epochSetSize() > 0 && state.epochConsistencyFactor() > 0);
        if (!recorded) {
            return new StartupQuorum(configuredConsistencyFactor, configuredConsistencyFactor, false);
        }
        // the same epoch everywhere, so the same record; the strictest reading should they differ
        int setSize = newest.stream().mapToInt(ReplicaState::epochSetSize).max().orElseThrow();
        int consistencyFactor = newest.stream().mapToInt(ReplicaState::epochConsistencyFactor).min().orElseThrow();
        return new StartupQuorum(setSize, consistencyFactor, true);
    }

    /** Replicas of the newest epoch that must answer: enough to meet every acknowledging quorum, at least one. */
    int needed() {
        return recorded ? Math.max(1, setSize - consistencyFactor + 1) : consistencyFactor;
    }

    /** Of {@code reachable} replicas of the epoch, how many at least hold any acknowledged write. */
    int holdersAmong(int reachable) {
        return recorded ? Math.max(1, consistencyFactor - (setSize - reachable)) : consistencyFactor;
    }

    String describe() {
        return recorded ? "its write set of " + setSize + " acknowledged each write on " + consistencyFactor
                : "its write set is not recorded; the consistency factor " + consistencyFactor + " applies";
    }
}
