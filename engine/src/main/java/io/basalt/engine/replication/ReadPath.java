package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads from healthy replicas only, spread by fewest requests outstanding (round robin among
 * equals), and only from a replica that already holds every earlier write to the range. A failed
 * read is retried on another healthy replica; the failing one leaves the write set.
 */
final class ReadPath {

    private final WriteSet writeSet;
    private final AtomicInteger turn = new AtomicInteger();

    ReadPath(WriteSet writeSet) {
        this.writeSet = writeSet;
    }

    /** Reads [offset, offset + length) into {@code destination} at {@code destinationOffset}. */
    CompletableFuture<Void> read(long offset, byte[] destination) {
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int start = 0; start < destination.length; start += FrameCodec.MAX_DATA_BYTES) {
            int length = Math.min(FrameCodec.MAX_DATA_BYTES, destination.length - start);
            int at = start;
            parts.add(readPart(offset + start, length, writeSet.members().size() + 1)
                    .thenAccept(data -> System.arraycopy(data, 0, destination, at, length)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<byte[]> readPart(long offset, int length, int attemptsLeft) {
        Member chosen;
        ReplicaClient client = null;
        CompletableFuture<Void> wait = null;
        synchronized (writeSet) {
            List<Member> healthy = writeSet.healthy();
            if (healthy.isEmpty()) {
                return CompletableFuture.failedFuture(writeSet.unavailable());
            }
            List<InFlightOps.Op> overlapping = writeSet.ops().overlapping(offset, offset + length);
            List<Member> current = healthy.stream()
                    .filter(member -> overlapping.stream().allMatch(op -> op.doneOnNow(member))).toList();
            if (current.isEmpty()) {
                chosen = null;
                wait = CompletableFuture.allOf(overlapping.stream().map(op -> op.allDone)
                        .toArray(CompletableFuture[]::new));
            } else {
                int start = Math.floorMod(turn.getAndIncrement(), current.size());
                List<Member> rotated = new ArrayList<>(current.subList(start, current.size()));
                rotated.addAll(current.subList(0, start));
                chosen = rotated.stream().min(Comparator.comparingInt(Member::outstanding)).orElseThrow();
                client = chosen.client();
            }
        }
        if (chosen == null) {
            return wait.thenCompose(ready -> readPart(offset, length, attemptsLeft));
        }
        ReplicaClient reader = client;
        long id = chosen.sent();
        return reader.read(offset, length).handle((data, failure) -> {
            chosen.answered(id);
            if (failure == null) {
                return CompletableFuture.completedFuture(data);
            }
            writeSet.eject(chosen, reader, "read failed: " + Failures.describe(failure));
            if (attemptsLeft <= 1) {
                return CompletableFuture.<byte[]>failedFuture(Failures.cause(failure));
            }
            return readPart(offset, length, attemptsLeft - 1);
        }).thenCompose(next -> next);
    }
}
