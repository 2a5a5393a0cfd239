package io.basalt.engine.replication;

import java.time.Duration;

/**
 * How a replicated volume behaves.
 *
 * @param consistencyFactor healthy replicas that must hold a write before it is acknowledged
 * @param requestTimeout how long a replica may take to answer one request
 * @param maxOutstanding requests a replica may have unanswered before it is taken out as lagging
 * @param maxLag how old its oldest unanswered request may get before it is taken out as lagging
 * @param rebuildConcurrency copy windows a rebuild keeps in flight
 * @param rebuildBytesPerSecond the pace limit of the volume's rebuilds, all together; 0 for none
 * @param markInterval how often the replicas persist the sequence through which they hold every write
 * @param reconnectBackoff the first delay before reconnecting to a replica; it doubles up to {@code maxReconnectBackoff}
 * @param quorumWait how long writes wait for CF healthy replicas once the volume has lost them, before they
 *     fail; zero fails them at once
 */
public record ReplicationSettings(int consistencyFactor, Duration requestTimeout, int maxOutstanding, Duration maxLag,
                                  int rebuildConcurrency, long rebuildBytesPerSecond, Duration markInterval,
                                  Duration reconnectBackoff, Duration maxReconnectBackoff, Duration quorumWait) {

    /**
     * The default quorum wait: long enough for a pool to restart or a returning replica to catch up,
     * well within the 30 s an initiator such as Linux gives a command before it aborts it.
     */
    public static final Duration DEFAULT_QUORUM_WAIT = Duration.ofSeconds(20);

    public ReplicationSettings {
        if (consistencyFactor < 1 || maxOutstanding < 1 || rebuildConcurrency < 1 || rebuildBytesPerSecond < 0
                || quorumWait.isNegative()) {
            throw new IllegalArgumentException("replication settings out of range: CF " + consistencyFactor
                    + ", " + maxOutstanding + " outstanding, " + rebuildConcurrency + " rebuild windows, "
                    + rebuildBytesPerSecond + " rebuild bytes/s, quorum wait " + quorumWait);
        }
    }

    /** Production defaults for {@code consistencyFactor}. */
    public static ReplicationSettings defaults(int consistencyFactor) {
        return new ReplicationSettings(consistencyFactor, Duration.ofSeconds(10), 4096, Duration.ofSeconds(5), 8, 0,
                Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(5), DEFAULT_QUORUM_WAIT);
    }

    public ReplicationSettings withRebuildBytesPerSecond(long bytesPerSecond) {
        return new ReplicationSettings(consistencyFactor, requestTimeout, maxOutstanding, maxLag, rebuildConcurrency,
                bytesPerSecond, markInterval, reconnectBackoff, maxReconnectBackoff, quorumWait);
    }

    public ReplicationSettings withLagBounds(int outstanding, Duration lag) {
        return new ReplicationSettings(consistencyFactor, requestTimeout, outstanding, lag, rebuildConcurrency,
                rebuildBytesPerSecond, markInterval, reconnectBackoff, maxReconnectBackoff, quorumWait);
    }

    public ReplicationSettings withMarkInterval(Duration interval) {
        return new ReplicationSettings(consistencyFactor, requestTimeout, maxOutstanding, maxLag, rebuildConcurrency,
                rebuildBytesPerSecond, interval, reconnectBackoff, maxReconnectBackoff, quorumWait);
    }

    public ReplicationSettings withQuorumWait(Duration wait) {
        return new ReplicationSettings(consistencyFactor, requestTimeout, maxOutstanding, maxLag, rebuildConcurrency,
                rebuildBytesPerSecond, markInterval, reconnectBackoff, maxReconnectBackoff, wait);
    }
}
