package io.basalt.engine.replica.server;

import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.Replica;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** Hashed rather than sorted: every write updates it, only a target starting up reads it in order. */
    private static final class ReplicaRegions {
        private final Map<Long, Long> highestSequence = new ConcurrentHashMap<>();
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
        long[] keys = regions.highestSequence.keySet().stream().mapToLong(Long::longValue)
                .filter(region -> region >= fromRegion).sorted().toArray();
        long next = -1;
        if (keys.length > MAX_REGIONS_PER_ANSWER) {
            next = keys[MAX_REGIONS_PER_ANSWER];
            keys = Arrays.copyOf(keys, MAX_REGIONS_PER_ANSWER);
        }
        long[] sequences = new long[keys.length];
        int count = 0;
        for (long region : keys) {
            Long sequence = regions.highestSequence.get(region);
            if (sequence == null) {
                continue; // forgotten by a mark since the keys were listed
            }
            keys[count] = region;
            sequences[count] = sequence;
            count++;
        }
        return new Message.WrittenRegions(complete, Arrays.copyOf(keys, count), Arrays.copyOf(sequences, count), next);
    }

    private ReplicaRegions regions(Replica replica) {
        return replicas.computeIfAbsent(replica, opened -> new ReplicaRegions(!opened.writtenSinceMarkWhenOpened()));
    }
}
