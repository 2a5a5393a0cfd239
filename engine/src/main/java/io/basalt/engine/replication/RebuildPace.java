package io.basalt.engine.replication;

/**
 * The volume's rebuild pace limit, shared by every rebuild it runs: two replicas rebuilding at
 * once copy at the limit together, not each, so the application keeps the share the limit leaves
 * it. Each window's start is booked on one timeline; time with nothing booked is not saved up, so
 * a rebuild that starts after a quiet spell does not burst. Callers pass the time
 * ({@link System#nanoTime()}).
 */
final class RebuildPace {

    private final long bytesPerSecond;
    private long nextStartNanos;
    private boolean booked;

    /** {@code bytesPerSecond}: the limit; 0 for none. */
    RebuildPace(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Books a window of {@code bytes}; returns how long to wait from {@code nowNanos} before starting it. */
    synchronized long book(long bytes, long nowNanos) {
        if (bytesPerSecond <= 0) {
            return 0;
        }
        if (!booked || nextStartNanos - nowNanos < 0) {
            nextStartNanos = nowNanos;
            booked = true;
        }
        long delayNanos = nextStartNanos - nowNanos;
        nextStartNanos += (long) (bytes * 1e9 / bytesPerSecond);
        return delayNanos;
    }
}
