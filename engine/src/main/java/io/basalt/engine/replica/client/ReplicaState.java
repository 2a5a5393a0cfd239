package io.basalt.engine.replica.client;

/**
 * What the pool reported about a replica when the connection was opened: its size, epoch, the
 * write set that epoch was given to ({@code epochSetSize} replicas acknowledging each write with
 * {@code epochConsistencyFactor} of them; 0 when unknown), its consistent-through mark, and whether
 * its machine (or its pool server, uncleanly) restarted since it last changed without a mark, which may
 * have lost unflushed writes.
 */
public record ReplicaState(long sizeBytes, long epoch, int epochSetSize, int epochConsistencyFactor,
                           long consistentThrough, boolean unflushedWritesMayBeLost) {
}
