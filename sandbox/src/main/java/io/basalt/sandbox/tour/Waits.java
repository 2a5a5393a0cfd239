package io.basalt.sandbox.tour;

import io.basalt.sandbox.SandboxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for the cluster to get somewhere, with a limit and an explanation when it does not. */
final class Waits {

    private static final Duration POLL = Duration.ofMillis(200);

    private Waits() {
    }

    /**
     * Polls {@code check} until it yields a value or {@code limit} passes; then fails with what
     * {@code explain} says about the state the cluster is stuck in.
     */
    static <T> T until(String what, Duration limit, Supplier<Optional<T>> check, Supplier<String> explain) {
        Instant deadline = Instant.now().plus(limit);
        while (true) {
            Optional<T> result = check.get();
            if (result.isPresent()) {
                return result.get();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SandboxException("gave up after " + limit.toSeconds() + "s waiting for " + what + ": "
                        + explain.get());
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while waiting for " + what, e);
            }
        }
    }

    static void untilTrue(String what, Duration limit, BooleanSupplier check, Supplier<String> explain) {
        until(what, limit, () -> check.getAsBoolean() ? Optional.of(true) : Optional.empty(), explain);
    }
}
