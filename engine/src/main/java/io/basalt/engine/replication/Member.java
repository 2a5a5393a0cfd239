package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.roaringbitmap.RoaringBitmap;

/**
 * One replica of the volume and what the controller knows about it. Mode, client and the dirty
 * regions change under the write set's lock; the counters are updated from any thread.
 */
final class Member {

    private final ReplicaEndpoint endpoint;
    private final ConcurrentHashMap<Long, Long> outstandingSince = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final AtomicLong missedWrites = new AtomicLong();
    private final ResponseTime responseTime = new ResponseTime();
    private MemberMode mode = MemberMode.OFFLINE;
    private String reason = "not connected yet";
    private ReplicaClient client;
    private long persistedEpoch = -1;
    /** The last of the volume's flushes it made durable (see {@link UnflushedChanges}). */
    private long durableFlush;
    /** The volume's last flush when it attached: until it makes a later one durable, what it may lose is unbounded. */
    private long attachedAtFlush;
    /**
     * Whether, when it left, it had made a flush durable since it attached: then the regions it may have
     * lost unflushed are among {@link #dirtyRegions}; otherwise they may include writes from before.
     */
    private boolean lossBoundedWhenLeft;
    /** Regions (of {@link WriteRegions#REGION_BYTES}) written while it was away; null when not tracked. */
    private RoaringBitmap dirtyRegions;
    /** The epoch it left the write set at, meaningful while {@link #dirtyRegions} is tracked. */
    private long leftAtEpoch = -1;
    private volatile RebuildProgress rebuild;
    private volatile RebuildProgress lastRebuild;
    private volatile boolean removed;

    Member(ReplicaEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    ReplicaEndpoint endpoint() {
        return endpoint;
    }

    String name() {
        return endpoint.name();
    }

    MemberMode mode() {
        return mode;
    }

    String reason() {
        return reason;
    }

    ReplicaClient client() {
        return client;
    }

    long persistedEpoch() {
        return persistedEpoch;
    }

    void persistedEpoch(long epoch) {
        persistedEpoch = epoch;
    }

    void become(MemberMode newMode, String why) {
        mode = newMode;
        reason = why;
    }

    /** {@code lastFlush}: the volume's last flush sent; what it takes from now on is unflushed until it makes a later one. */
    void attach(ReplicaClient newClient, long lastFlush) {
        client = newClient;
        durableFlush = lastFlush;
        attachedAtFlush = lastFlush;
    }

    long durableFlush() {
        return durableFlush;
    }

    void madeDurable(long flush) {
        durableFlush = Math.max(durableFlush, flush);
    }

    ReplicaClient detach() {
        ReplicaClient old = client;
        client = null;
        return old;
    }

    boolean inWriteSet() {
        return mode != MemberMode.OFFLINE && client != null;
    }

    /** Starts remembering the regions written from now on, on top of {@code alreadyMissing}. */
    void trackDirty(RoaringBitmap alreadyMissing, long epoch) {
        dirtyRegions = alreadyMissing;
        leftAtEpoch = epoch;
        lossBoundedWhenLeft = durableFlush > attachedAtFlush;
        missedWrites.set(0);
    }

    boolean lossBoundedWhenLeft() {
        return lossBoundedWhenLeft;
    }

    void forgetDirty() {
        dirtyRegions = null;
        leftAtEpoch = -1;
    }

    RoaringBitmap dirtyRegions() {
        return dirtyRegions;
    }

    long leftAtEpoch() {
        return leftAtEpoch;
    }

    void missed(long firstRegion, long lastRegion) {
        missedWrites.incrementAndGet();
        tookWhileRebuilding(firstRegion, lastRegion);
    }

    /**
     * A change sent to it while it rebuilds: kept with the regions its rebuild copies, so that a
     * rebuild that starts over covers what it may lose unflushed (it makes none of the volume's
     * flushes durable until it is healthy; see {@link UnflushedChanges}).
     */
    void tookWhileRebuilding(long firstRegion, long lastRegion) {
        if (dirtyRegions != null) {
            dirtyRegions.add(firstRegion, lastRegion + 1);
        }
    }

    long missedWrites() {
        return missedWrites.get();
    }

    /** Registers a request sent to it; the id ends it with {@link #answered}. */
    long sent() {
        long id = requestIds.incrementAndGet();
        outstandingSince.put(id, System.nanoTime());
        return id;
    }

    /**
     * Ends request {@code id}. With {@code timed}, its time counts towards the replica's response
     * time; a flush's does not, as it waits for the disk to take whatever was written before it.
     */
    void answered(long id, boolean timed) {
        Long since = outstandingSince.remove(id);
        if (since != null && timed) {
            long now = System.nanoTime();
            responseTime.answered(now - since, now);
        }
    }

    /** Its smoothed response time as of {@code nowNanos}, in nanoseconds; 0 before any answer. */
    double responseNanos(long nowNanos) {
        return responseTime.at(nowNanos);
    }

    int outstanding() {
        return outstandingSince.size();
    }

    /** Nanoseconds since its oldest unanswered request was sent; 0 with none. */
    long oldestOutstandingAgeNanos() {
        long now = System.nanoTime();
        long oldest = 0;
        for (long since : outstandingSince.values()) {
            oldest = Math.max(oldest, now - since);
        }
        return oldest;
    }

    void clearOutstanding() {
        outstandingSince.clear();
    }

    RebuildProgress rebuild() {
        return rebuild;
    }

    void rebuild(RebuildProgress progress) {
        rebuild = progress;
    }

    /** The rebuild under way is done: it becomes the last one, finished now. */
    void rebuildFinished() {
        RebuildProgress done = rebuild;
        if (done != null) {
            lastRebuild = done.finishedAt(System.currentTimeMillis());
        }
        rebuild = null;
    }

    /** The last rebuild that finished, or null. */
    RebuildProgress lastRebuild() {
        return lastRebuild;
    }

    boolean removed() {
        return removed;
    }

    void markRemoved() {
        removed = true;
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
