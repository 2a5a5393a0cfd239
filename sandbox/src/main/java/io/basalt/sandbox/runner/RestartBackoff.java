package io.basalt.sandbox.runner;

import java.time.Duration;
import java.time.Instant;

/**
 * The delay before a crashed container starts again, doubling after every crash up to a cap, as a
 * kubelet's CrashLoopBackOff does; a container that ran long enough starts over from the first delay.
 */
final class RestartBackoff {

    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration CAP = Duration.ofSeconds(30);
    private static final Duration RAN_LONG_ENOUGH = Duration.ofSeconds(30);

    private Duration next = FIRST;

    /** When the container that started at {@code started} and exited at {@code exited} may start again. */
    Instant restartAfterExit(Instant started, Instant exited) {
        if (Duration.between(started, exited).compareTo(RAN_LONG_ENOUGH) >= 0) {
            next = FIRST;
        }
        Instant at = exited.plus(next);
        next = next.multipliedBy(2).compareTo(CAP) > 0 ? CAP : next.multipliedBy(2);
        return at;
    }
}
