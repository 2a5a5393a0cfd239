package io.basalt.sandbox.print;

import java.time.Duration;
import java.time.Instant;

/** Durations as kubectl's AGE column shows them: 45s, 3m12s, 25m, 5h10m, 3d. */
final class Ages {

    private Ages() {
    }

    static String since(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isEmpty()) {
            return "<unknown>";
        }
        return of(Duration.between(Instant.parse(timestamp), now));
    }

    static String of(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return minutes + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
        }
        if (minutes < 180) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            return hours + "h" + (minutes % 60 == 0 ? "" : minutes % 60 + "m");
        }
        if (hours < 48) {
            return hours + "h";
        }
        return hours / 24 + "d";
    }
}
