package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.Replica;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Remembers, in memory, which regions of each replica were written since its last consistent-through
 * mark and the highest sequence number written to each. A target that restarts after a crash asks
 * every replica for this list and copies each region from the replica that wrote it last, so that
 * writes acknowledged by some replicas but not yet received by others are not lost. A replica's list
 * is complete when the replica had not changed since its mark when the pool opened it (its manifest
 * says so), or once a mark has been seen since: changes from before the server started are unknown.
 */
final class WrittenRegionLog {

    private static final int MAX_REGIONS_PER_ANSWER = 32_768;

    /** By replica object, not name: a replica deleted and created again starts a new list. */
    private final Map<Replica, ReplicaRegions> replicas = new ConcurrentHashMap<>();

    private static final class ReplicaRegions {
        private final ConcurrentNavigableMap<Long, Long> highestSequence = new ConcurrentSkipListMap<>();
        private volatile boolean complete;

        ReplicaRegions(boolean complete) {
            this.complete = complete;
        }
    }

    void written(Replica replica, long offset, long length, long sequence) {
        if (length <= 0) {
            return;
        }
        ReplicaRegions regions = regions(replica);
        long first = offset / Message.WrittenRegions.REGION_BYTES;
        long last = (offset + length - 1) / Message.WrittenRegions.REGION_BYTES;
        for (long region = first; region <= last; region++) {
            regions.highestSequence.merge(region, sequence, Math::max);
        }
    }

    /** Forgets the regions whose writes are all covered by {@code consistentThrough}; the list is complete from now on. */
    void marked(Replica replica, long consistentThrough) {
        ReplicaRegions regions = regions(replica);
        regions.highestSequence.entrySet().removeIf(entry -> entry.getValue() <= consistentThrough);
        regions.complete = true;
    }

    /** The regions written since the last mark, from {@code fromRegion} on, a bounded page at a time. */
    Message.WrittenRegions page(Replica replica, long fromRegion) {
        ReplicaRegions regions = regions(replica);
        boolean complete = regions.complete;
        var tail = regions.highestSequence.tailMap(Math.max(0, fromRegion));
        long[] keys = new long[Math.min(tail.size(), MAX_REGIONS_PER_ANSWER)];
        long[] sequences = new long[keys.length];
        int count = 0;
        long next = -1;
        for (var entry : tail.entrySet()) {
            if (count == keys.length) {
                next = entry.getKey();
                break;
            }
            keys[count] = entry.getKey();
            sequences[count] = entry.getValue();
            count++;
        }
        if (count < keys.length) {
            keys = Arrays.copyOf(keys, count);
            sequences = Arrays.copyOf(sequences, count);
        }
        return new Message.WrittenRegions(complete, keys, sequences, next);
    }

    private ReplicaRegions regions(Replica replica) {
        return replicas.computeIfAbsent(replica, opened -> new ReplicaRegions(!opened.writtenSinceMarkWhenOpened()));
    }
}
