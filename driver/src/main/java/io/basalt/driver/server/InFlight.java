package io.basalt.driver.server;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one operation per volume (or snapshot) at a time. A second call for the same id while
 * the first runs is answered ABORTED, as the CSI specification asks, and the orchestrator retries.
 */
public final class InFlight {

    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    /** Claims {@code id} for the caller; close the returned handle to release it. */
    public Claim claim(String id) {
        if (!busy.add(id)) {
            throw new StatusRuntimeException(Status.ABORTED.withDescription(
                    "an operation on " + id + " is already in progress; retry later"));
        }
        return new Claim(id);
    }

    /** A claimed id; releasing it twice is harmless. */
    public final class Claim implements AutoCloseable {
        private final String id;

        private Claim(String id) {
            this.id = id;
        }

        @Override
        public void close() {
            busy.remove(id);
        }
    }
}
