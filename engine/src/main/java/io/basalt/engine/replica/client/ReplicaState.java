package io.basalt.engine.replica.client;

/**
 * What the pool reported about a replica when the connection was opened: its size, epoch, the
 * write set that epoch was given to ({@code epochSetSize} replicas acknowledging each write with
 * {@code epochConsistencyFactor} of them; 0 when unknown) and its consistent-through mark.
 */
public record ReplicaState(long sizeBytes, long epoch, int epochSetSize, int epochConsistencyFactor,
                           long consistentThrough) {
}
