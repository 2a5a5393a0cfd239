package io.basalt.engine.replication;

/** How far a rebuild got: bytes to look at, bytes done, whether only regions written while away are copied. */
public record RebuildProgress(long totalBytes, long copiedBytes, boolean delta, long startedMillis) {
}
