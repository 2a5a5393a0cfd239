package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a range from one replica to others as the source holds it: its mapped extents as data,
 * the rest deallocated. The range is locked against writes while it is copied, after the earlier
 * writes to it finished, so a copy never overwrites newer data.
 */
final class RegionCopier {

    private final WriteSet writeSet;

    RegionCopier(WriteSet writeSet) {
        this.writeSet = writeSet;
    }

    /** Copies [offset, offset + length) from {@code source} to {@code destinations}; fails with a {@link CopyFailure}. */
    CompletableFuture<Void> copy(long offset, long length, Member source, List<Member> destinations) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        InFlightOps.Registered registered;
        ReplicaClient from;
        List<ReplicaClient> to = new ArrayList<>();
        synchronized (writeSet) {
            registered = writeSet.ops().registerExclusive(offset, offset + length, done);
            from = source.client();
            destinations.forEach(member -> to.add(member.client()));
        }
        if (from == null || to.contains(null)) {
            done.complete(null);
            Member gone = from == null ? source : destinations.get(to.indexOf(null));
            return CompletableFuture.failedFuture(new CopyFailure(gone, gone == source,
                    new IllegalStateException("not connected")));
        }
        CompletableFuture<Void> copied = registered.earlierDone()
                .thenCompose(ready -> copyFrom(offset, offset + length, source, from, destinations, to));
        copied.whenComplete((ok, failure) -> done.complete(null));
        return copied;
    }

    private CompletableFuture<Void> copyFrom(long position, long end, Member source, ReplicaClient from,
            List<Member> destinations, List<ReplicaClient> to) {
        if (position >= end) {
            return CompletableFuture.completedFuture(null);
        }
        return sourceStep(from.allocation(position, end - position), source).thenCompose(extents -> {
            List<CompletableFuture<Void>> pieces = new ArrayList<>();
            long reached = position;
            for (Message.Extent extent : extents) {
                if (extent.mapped()) {
                    for (long at = extent.offset(); at < extent.end(); at += FrameCodec.MAX_DATA_BYTES) {
                        int piece = (int) Math.min(FrameCodec.MAX_DATA_BYTES, extent.end() - at);
                        long pieceOffset = at;
                        pieces.add(sourceStep(from.readBuffer(pieceOffset, piece), source).thenCompose(data ->
                                toEach(destinations, to, (client, sequence, epoch) ->
                                        client.write(pieceOffset, data.retainedDuplicate(), sequence, epoch, false))
                                        .whenComplete((written, failure) -> data.release())));
                    }
                } else {
                    pieces.add(toEach(destinations, to, (client, sequence, epoch) ->
                            client.unmap(extent.offset(), extent.length(), sequence, epoch)));
                }
                reached = extent.end();
            }
            long next = extents.isEmpty() ? end : reached;
            return CompletableFuture.allOf(pieces.toArray(CompletableFuture[]::new))
                    .thenCompose(ok -> copyFrom(next, end, source, from, destinations, to));
        });
    }

    private interface Change {
        CompletableFuture<Void> apply(ReplicaClient client, long sequence, long epoch);
    }

    private CompletableFuture<Void> toEach(List<Member> destinations, List<ReplicaClient> to, Change change) {
        long sequence;
        long epoch;
        synchronized (writeSet) {
            sequence = writeSet.sequence();
            epoch = writeSet.epoch();
        }
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            Member member = destinations.get(i);
            writes.add(change.apply(to.get(i), sequence, epoch).handle((ok, failure) -> {
                if (failure != null) {
                    throw new CopyFailure(member, false, failure);
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
    }

    private static <T> CompletableFuture<T> sourceStep(CompletableFuture<T> step, Member source) {
        return step.handle((value, failure) -> {
            if (failure != null) {
                throw new CopyFailure(source, true, failure);
            }
            return value;
        });
    }
}
