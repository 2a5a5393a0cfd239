package io.basalt.sandbox.print;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgesTest {

    @Test
    void agesReadAsKubectlPrintsThem() {
        assertThat(Ages.of(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Ages.of(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(Ages.of(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(Ages.of(Duration.ofMinutes(25))).isEqualTo("25m");
        assertThat(Ages.of(Duration.ofMinutes(310))).isEqualTo("5h10m");
        assertThat(Ages.of(Duration.ofHours(20))).isEqualTo("20h");
        assertThat(Ages.of(Duration.ofDays(3))).isEqualTo("3d");
    }

    @Test
    void aTimestampIsAgedFromNowAndAMissingOneIsUnknown() {
        Instant now = Instant.parse("2026-01-01T00:10:00Z");
        assertThat(Ages.since("2026-01-01T00:09:30Z", now)).isEqualTo("30s");
        assertThat(Ages.since(null, now)).isEqualTo("<unknown>");
    }
}
