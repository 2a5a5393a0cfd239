package io.basalt.engine.replica.server;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer's connection to each replica of the pool. A target that gives up on a connection
 * counts the changes it had sent over it as failed and goes on over a new one; the pool may
 * still be applying them, or read that connection's last frames only after the new one's HELLO.
 * So a newer writer's connection supersedes the older one, and is welcomed only once the older
 * one's calls under way have returned: nothing sent over it lands after what the new one sends.
 * The entry stays when its connection closes, so that the next writer still waits for what that
 * one waited for; one per replica.
 */
final class WriterSessions {

    private final Map<String, CallsUnderWay> writers = new ConcurrentHashMap<>();

    /** Makes {@code calls} the writer's connection to {@code replica}; completes once those it superseded are done. */
    CompletableFuture<Void> bind(String replica, CallsUnderWay calls) {
        writers.compute(replica, (name, previous) -> {
            calls.follow(previous == null ? CompletableFuture.completedFuture(null) : previous.supersede());
            return calls;
        });
        return calls.predecessors();
    }
}
