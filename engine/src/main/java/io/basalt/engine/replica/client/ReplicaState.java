package io.basalt.engine.replica.client;

/** What the pool reported about a replica when the connection was opened. */
public record ReplicaState(long sizeBytes, long epoch, long consistentThrough) {
}
