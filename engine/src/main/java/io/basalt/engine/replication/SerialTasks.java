package io.basalt.engine.replication;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs asynchronous tasks one after the other: epoch changes, snapshots and resizes never interleave. */
final class SerialTasks {

    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    synchronized <T> CompletableFuture<T> run(Supplier<CompletableFuture<T>> task) {
        CompletableFuture<T> result = tail.handle((ignored, failure) -> null).thenCompose(ignored -> {
            try {
                return task.get();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
        tail = result;
        return result;
    }
}
