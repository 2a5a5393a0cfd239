package io.basalt.engine.replica.store;

import java.time.Instant;

/**
 * A snapshot as listed: its name, when it was taken, the replica's size then, and the bytes its
 * own layer holds (what deleting it could give back at most).
 */
public record SnapshotInfo(String name, Instant created, long size, long usedBytes) {
}
