package io.basalt.sandbox.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void eachQuickCrashDoublesTheDelayUpToTheCap() {
        RestartBackoff backoff = new RestartBackoff();
        Instant started = T0;
        long[] expectedDelays = {1, 2, 4, 8, 16, 30, 30};
        for (long expected : expectedDelays) {
            Instant exited = started.plusSeconds(1);
            Instant restart = backoff.restartAfterExit(started, exited);
            assertThat(Duration.between(exited, restart)).isEqualTo(Duration.ofSeconds(expected));
            started = restart;
        }
    }

    @Test
    void aContainerThatRanLongEnoughStartsOverFromTheFirstDelay() {
        RestartBackoff backoff = new RestartBackoff();
        backoff.restartAfterExit(T0, T0.plusSeconds(1));
        backoff.restartAfterExit(T0.plusSeconds(2), T0.plusSeconds(3));

        Instant exited = T0.plusSeconds(100);
        assertThat(backoff.restartAfterExit(T0.plusSeconds(5), exited)).isEqualTo(exited.plusSeconds(1));
    }
}
