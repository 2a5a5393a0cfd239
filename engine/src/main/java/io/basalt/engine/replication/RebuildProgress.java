package io.basalt.engine.replication;

/**
 * How far a rebuild got: bytes to look at, bytes done, whether only regions written while away are
 * copied, when it started and, once the replica is healthy, when it finished (0 before).
 */
public record RebuildProgress(long totalBytes, long copiedBytes, boolean delta, long startedMillis,
                              long finishedMillis) {

    RebuildProgress finishedAt(long millis) {
        return new RebuildProgress(totalBytes, copiedBytes, delta, startedMillis, millis);
    }
}
