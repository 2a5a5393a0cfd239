package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Reads from healthy replicas only, spread by fewest requests outstanding (round robin among
 * equals) while sparing a replica that answers much more slowly than the others, and only from a
 * replica that already holds every earlier write to the range; while an opening reconciles the
 * replicas, reads wait for it, and with no healthy replica at all they wait for the quorum as writes
 * do. A failed read is retried on another healthy replica; the failing one leaves the write set.
 * Questions about the allocation of a range go by the same rules.
 */
final class ReadPath {

    /** How many times slower than the fastest replica a replica must be to be spared reads. */
    private static final double SLOW_FACTOR = 4;
    /** Response times below this count as equally fast whatever their ratio: small gaps are noise. */
    private static final double NOTICEABLE_NANOS = 10e6;

    private final WriteSet writeSet;
    private final AtomicInteger turn = new AtomicInteger();

    ReadPath(WriteSet writeSet) {
        this.writeSet = writeSet;
    }

    /**
     * Reads [offset, offset + length) into a buffer the caller owns: the replica's answer as it
     * arrived, or the answers of several requests joined without copying.
     */
    CompletableFuture<ByteBuf> read(long offset, int length) {
        int attempts = writeSet.members().size() + 1;
        if (length <= FrameCodec.MAX_DATA_BYTES) {
            return readPart(offset, length, attempts);
        }
        List<CompletableFuture<ByteBuf>> parts = new ArrayList<>();
        for (int start = 0; start < length; start += FrameCodec.MAX_DATA_BYTES) {
            parts.add(readPart(offset + start, Math.min(FrameCodec.MAX_DATA_BYTES, length - start), attempts));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((all, failure) -> {
            if (failure != null) {
                parts.stream().filter(part -> !part.isCompletedExceptionally()).forEach(part -> part.join().release());
                throw new CompletionException(Failures.cause(failure));
            }
            CompositeByteBuf joined = ByteBufAllocator.DEFAULT.compositeBuffer(parts.size());
            parts.forEach(part -> joined.addComponent(true, part.join()));
            return joined;
        });
    }

    /**
     * How many times over a request to a replica that answers in {@code responseNanos} counts, when
     * the fastest one answers in {@code fastestNanos}: once, unless the replica is much slower; then
     * as many times as it is slower, so that it gets reads only when the others are that much busier.
     */
    static double readWeight(double responseNanos, double fastestNanos) {
        double slowness = responseNanos / Math.max(fastestNanos, NOTICEABLE_NANOS / SLOW_FACTOR);
        return slowness > SLOW_FACTOR ? slowness : 1;
    }

    /** The replica with the fewest requests outstanding, each weighed by {@link #readWeight}; in turn among equals. */
    private Member leastLoaded(List<Member> current) {
        long now = System.nanoTime();
        double[] response = new double[current.size()];
        double fastest = Double.POSITIVE_INFINITY;
        for (int i = 0; i < response.length; i++) {
            response[i] = current.get(i).responseNanos(now);
            fastest = Math.min(fastest, response[i]);
        }
        int start = Math.floorMod(turn.getAndIncrement(), current.size());
        Member chosen = null;
        double chosenLoad = Double.POSITIVE_INFINITY;
        for (int turnOffset = 0; turnOffset < response.length; turnOffset++) {
            int i = (start + turnOffset) % response.length;
            Member member = current.get(i);
            double load = (member.outstanding() + 1) * readWeight(response[i], fastest);
            if (load < chosenLoad) {
                chosen = member;
                chosenLoad = load;
            }
        }
        return chosen;
    }

    private CompletableFuture<ByteBuf> readPart(long offset, int length, int attemptsLeft) {
        return holder(offset, offset + length, true, QuorumWait.NOT_WAITED).thenCompose(chosen -> {
            long id = chosen.member().sent();
            return chosen.client().readBuffer(offset, length).handle((data, failure) -> {
                chosen.member().answered(id, true);
                if (failure == null) {
                    return CompletableFuture.completedFuture(data);
                }
                writeSet.eject(chosen.member(), chosen.client(), "read failed: " + Failures.describe(failure));
                if (attemptsLeft <= 1) {
                    return CompletableFuture.<ByteBuf>failedFuture(Failures.cause(failure));
                }
                return readPart(offset, length, attemptsLeft - 1);
            }).thenCompose(next -> next);
        });
    }

    /**
     * The allocation of [offset, offset + length) as a healthy replica reports it that holds every
     * change to the range under way when asked: one that has not taken an acknowledged write yet
     * would report its blocks deallocated, which an initiator takes for zeroes without reading them.
     */
    CompletableFuture<List<Message.Extent>> allocation(long offset, long length) {
        return holder(offset, offset + length, false, QuorumWait.NOT_WAITED)
                .thenCompose(chosen -> chosen.client().allocation(offset, length));
    }

    /** A replica chosen to answer, with the connection it was chosen through. */
    private record Holder(Member member, ReplicaClient client) {
    }

    /**
     * The least loaded healthy replica that holds every change to [offset, end) under way now (after
     * an opening's reconciliation); when none does yet, chosen once those changes are over.
     * {@code waitForLaterChanges}: whether changes made meanwhile are waited for too, as a read's
     * data must hold them; a question about the allocation of a large range would otherwise go
     * unanswered under a steady stream of writes. With no healthy replica at all it waits for the
     * quorum as writes do (see {@link QuorumWait}), to {@code deadline} if it waited before: an
     * outage of every pool's connection is then a pause for the initiator, not a read error that a
     * file system may answer by turning read-only.
     */
    private CompletableFuture<Holder> holder(long offset, long end, boolean waitForLaterChanges, long deadline) {
        CompletableFuture<Void> wait;
        synchronized (writeSet) {
            CompletableFuture<Void> reconciled = writeSet.reconciled();
            if (!reconciled.isDone()) {
                return reconciled.thenCompose(over -> holder(offset, end, waitForLaterChanges, deadline));
            }
            List<Member> healthy = writeSet.healthy();
            if (healthy.isEmpty()) {
                wait = null;
            } else {
                List<InFlightOps.Op> overlapping = writeSet.ops().overlapping(offset, end);
                List<Member> current = healthy.stream()
                        .filter(member -> overlapping.stream().allMatch(op -> op.doneOnNow(member))).toList();
                if (!current.isEmpty()) {
                    Member chosen = leastLoaded(current);
                    return CompletableFuture.completedFuture(new Holder(chosen, chosen.client()));
                }
                wait = CompletableFuture.allOf(overlapping.stream().map(op -> op.allDone)
                        .toArray(CompletableFuture[]::new));
            }
        }
        if (wait == null) {
            return afterQuorum(next -> holder(offset, end, waitForLaterChanges, next), deadline);
        }
        // an empty range has no changes under way: any healthy replica will do
        return wait.thenCompose(over -> waitForLaterChanges ? holder(offset, end, true, deadline)
                : holder(0, 0, false, deadline));
    }

    /** What {@code retry} chooses once the volume has its quorum again; unavailable past the quorum wait. */
    private CompletableFuture<Holder> afterQuorum(LongFunction<CompletableFuture<Holder>> retry, long deadline) {
        CompletableFuture<Holder> chosen = new CompletableFuture<>();
        CompletableFuture<Void> gaveUp = new CompletableFuture<>();
        gaveUp.exceptionally(failure -> {
            chosen.completeExceptionally(failure);
            return null;
        });
        writeSet.awaitQuorum(next -> retry.apply(next).whenComplete((holder, failure) -> {
            if (failure != null) {
                chosen.completeExceptionally(failure);
            } else {
                chosen.complete(holder);
            }
        }), deadline, gaveUp);
        return chosen;
    }
}
