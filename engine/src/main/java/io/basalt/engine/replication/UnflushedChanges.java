package io.basalt.engine.replication;

import java.util.NavigableMap;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The regions changed after each flush the volume sent, kept until every healthy replica has made
 * a later flush durable. A replica that leaves may lack what it took after the last flush
 * it made durable, acknowledged or not: a pool process killed before flushing loses the allocation
 * of the blocks it first wrote since (the data stays in the page cache, the map does not), and a
 * machine that loses power loses the data too. Its rebuild copies those regions along with the ones
 * written while it was away. Callers hold the write set's lock.
 */
final class UnflushedChanges {

    /** Flush number: the regions changed after that flush was sent, and before the next one was; 0 before any. */
    private final NavigableMap<Long, RoaringBitmap> changedAfter = new TreeMap<>();
    private long lastFlush;
    /** The entry of {@link #lastFlush}, which every change adds to. */
    private RoaringBitmap changedAfterLast = new RoaringBitmap();

    UnflushedChanges() {
        changedAfter.put(0L, changedAfterLast);
    }

    /** Counts a flush sent to the write set; returns its number. */
    long flushSent() {
        lastFlush++;
        changedAfterLast = new RoaringBitmap();
        changedAfter.put(lastFlush, changedAfterLast);
        return lastFlush;
    }

    long lastFlush() {
        return lastFlush;
    }

    /** Regions {@code firstRegion} to {@code lastRegion}, both included, were changed. */
    void changed(long firstRegion, long lastRegion) {
        changedAfterLast.add(firstRegion, lastRegion + 1);
    }

    /** What a replica that made flush {@code durable} durable may lack: the regions changed since it was sent. */
    RoaringBitmap changedSince(long durable) {
        RoaringBitmap regions = new RoaringBitmap();
        changedAfter.tailMap(durable, true).values().forEach(regions::or);
        return regions;
    }

    /** Forgets the changes made before flush {@code oldestDurable}, which every replica in the write set made durable. */
    void durableEverywhere(long oldestDurable) {
        changedAfter.headMap(oldestDurable, false).clear();
    }
}
