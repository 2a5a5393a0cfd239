package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaRequestFailedException;
import io.basalt.engine.replica.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a range from one replica to others as the source holds it: its mapped extents as data,
 * the rest deallocated. Each destination's pool reads the source itself (see
 * {@link io.basalt.engine.replica.protocol.Message.CopyFrom}): the data goes from pool to pool once,
 * not through the target, which keeps its network and CPU for the application. The range is locked
 * against writes on the destinations while it is copied, after the earlier writes to it finished,
 * and read only from a source that is still healthy then, so a copy never overwrites newer data;
 * the application's I/O to the other replicas goes on meanwhile.
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
            registered = writeSet.ops().registerCopy(offset, offset + length, destinations, done);
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
                .thenCompose(ready -> pull(offset, length, source, from, destinations, to));
        copied.whenComplete((ok, failure) -> done.complete(null));
        return copied;
    }

    /**
     * Has every destination copy the range from the source itself, {@code from} being the source's
     * connection when the copy began: unless it is still the source's and the source still healthy,
     * an earlier write to the range failed on it, which left it without that write.
     */
    private CompletableFuture<Void> pull(long offset, long length, Member source, ReplicaClient from,
            List<Member> destinations, List<ReplicaClient> to) {
        long sequence;
        long epoch;
        synchronized (writeSet) {
            if (source.client() != from || source.mode() != MemberMode.HEALTHY) {
                return CompletableFuture.failedFuture(new CopyFailure(source, true, new IllegalStateException(
                        "it left the write set while the copy waited for the writes under way to the range")));
            }
            sequence = writeSet.sequence();
            epoch = writeSet.epoch();
        }
        List<CompletableFuture<Void>> copies = new ArrayList<>();
        for (int i = 0; i < to.size(); i++) {
            Member destination = destinations.get(i);
            copies.add(to.get(i).copyFrom(offset, length, source.endpoint().socketAddress(), source.name(), sequence,
                    epoch).handle((ok, failure) -> {
                        if (failure != null) {
                            boolean atSource = Failures.cause(failure) instanceof ReplicaRequestFailedException refused
                                    && refused.code() == ErrorCode.SOURCE_FAILED;
                            throw new CopyFailure(atSource ? source : destination, atSource, failure);
                        }
                        return null;
                    }));
        }
        return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new));
    }
}
