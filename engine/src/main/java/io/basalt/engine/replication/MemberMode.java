package io.basalt.engine.replication;

/** Where a replica stands in its volume. */
public enum MemberMode {
    /** In the write set, holding every acknowledged write; reads may go to it. */
    HEALTHY,
    /** Taking new writes while the rest is copied to it; never read from. */
    REBUILDING,
    /** Out of the write set; reconnected in the background. */
    OFFLINE
}
