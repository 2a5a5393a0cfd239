package io.basalt.engine.replication;

/**
 * A replica's smoothed response time, which steers reads away from a replica much slower than the
 * others. Each answer moves it a tenth of the way to its own time, so that it takes a run of slow
 * answers, not one, to make a replica look slow. Without answers it halves every second, so that
 * a replica which was slow is tried again now and then instead of being shunned for good (one that
 * takes writes is measured by their answers all the time).
 */
final class ResponseTime {

    private static final double WEIGHT = 0.1;
    private static final double HALF_LIFE_NANOS = 1e9;

    private double smoothedNanos;
    private long lastAnswerNanos;

    /** A request sent to the replica was answered {@code elapsedNanos} after it was sent. */
    synchronized void answered(long elapsedNanos, long nowNanos) {
        double current = at(nowNanos);
        smoothedNanos = current + WEIGHT * (elapsedNanos - current);
        lastAnswerNanos = nowNanos;
    }

    /** The smoothed response time as of {@code nowNanos}; 0 before any answer. */
    synchronized double at(long nowNanos) {
        if (smoothedNanos == 0) {
            return 0;
        }
        return smoothedNanos * Math.pow(0.5, (nowNanos - lastAnswerNanos) / HALF_LIFE_NANOS);
    }
}
