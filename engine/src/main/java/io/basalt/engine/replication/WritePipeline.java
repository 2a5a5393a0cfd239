package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Sends writes, unmaps and flushes to the write set and decides when they are acknowledged: a
 * write after CF healthy replicas hold it, a FUA write or flush after every healthy replica made it
 * durable. A replica that fails a request leaves the write set; so does one that lags too far.
 */
final class WritePipeline {

    private final WriteSet writeSet;
    private final ReplicationSettings settings;

    WritePipeline(WriteSet writeSet, ReplicationSettings settings) {
        this.writeSet = writeSet;
        this.settings = settings;
    }

    /**
     * Writes the readable bytes of {@code data} at {@code offset}, split into frames. Borrows
     * {@code data} as {@link io.basalt.engine.block.BlockDevice#write} does: each replica's request
     * gets, when the write is dispatched, its own reference to the same bytes, held until they are
     * on the wire, however long after the acknowledgement.
     */
    CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        if (length <= FrameCodec.MAX_DATA_BYTES) {
            return change(offset, length, fua, data, (client, payload, sequence, epoch) ->
                    client.write(offset, payload, sequence, epoch, fua));
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int start = 0; start < length; start += FrameCodec.MAX_DATA_BYTES) {
            ByteBuf part = data.slice(data.readerIndex() + start, Math.min(length - start, FrameCodec.MAX_DATA_BYTES));
            long partOffset = offset + start;
            parts.add(change(partOffset, part.readableBytes(), fua, part, (client, payload, sequence, epoch) ->
                    client.write(partOffset, payload, sequence, epoch, fua)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    CompletableFuture<Void> unmap(long offset, long length) {
        return change(offset, length, false, null,
                (client, payload, sequence, epoch) -> client.unmap(offset, length, sequence, epoch));
    }

    /** The bytes one replica's request owns: see {@link #write}. */
    private static ByteBuf payloadFor(ByteBuf data) {
        if (data == null) {
            return null;
        }
        return data.retainedDuplicate();
    }

    /**
     * Makes every write acknowledged so far durable on every healthy replica, and has each persist
     * the sequence number through which it holds every write.
     */
    CompletableFuture<Void> flush() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        dispatchFlush(result, false, QuorumWait.NOT_WAITED);
        return result;
    }

    /**
     * A flush that passes a closed gate: for whoever closed it to drain (snapshots). It fails at once
     * rather than wait for a lost quorum, which the gate's holder would wait for in turn.
     */
    CompletableFuture<Void> flushHeld() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        dispatchFlush(result, true, QuorumWait.NOT_WAITED);
        return result;
    }

    private void dispatchFlush(CompletableFuture<Void> result, boolean passClosedGate, long deadline) {
        LongConsumer again = passClosedGate ? null : next -> dispatchFlush(result, false, next);
        List<Runnable> sends = new ArrayList<>();
        synchronized (writeSet) {
            if (!passClosedGate && writeSet.gate().holding(() -> again.accept(deadline))) {
                return;
            }
            List<Member> healthy = writeSet.healthy();
            if (healthy.size() < writeSet.consistencyFactor()) {
                writeSet.awaitQuorum(again, deadline, result);
                return;
            }
            long mark = writeSet.heldEverywhere();
            WriteSet.FlushPoint point = writeSet.flushPoint();
            AtomicInteger durable = new AtomicInteger();
            long epoch = writeSet.epoch();
            List<InFlightOps.Op> earlier = writeSet.ops().snapshot();
            InFlightOps.Registered flush = writeSet.ops().register(0, 0, healthy);
            long flushNumber = writeSet.unflushed().flushSent();
            // a flush inside a snapshot must not wait for write-set changes queued behind that snapshot
            Quorum quorum = new Quorum(healthy.size(), writeSet.consistencyFactor(), true, result, writeSet,
                    !passClosedGate, again, deadline);
            for (Member member : healthy) {
                ReplicaClient client = member.client();
                CompletableFuture<Void> before = CompletableFuture.allOf(earlier.stream()
                        .map(op -> op.doneOn(member)).toArray(CompletableFuture[]::new));
                sends.add(() -> after(before, () -> tracked(member, client, false, () -> client.flush(epoch, mark)))
                        .whenComplete((ok, failure) -> {
                            if (failure == null) {
                                writeSet.madeDurable(member, flushNumber);
                            }
                            if (failure == null && durable.incrementAndGet() == healthy.size()) {
                                writeSet.flushedEverywhere(point, mark);
                            }
                            answered(member, client, flush.op(), quorum, true, failure);
                        }));
            }
        }
        sends.forEach(Runnable::run);
    }

    private interface SequencedSend {
        /** {@code payload}: the bytes the request takes over, or null when it carries none. */
        CompletableFuture<Void> to(ReplicaClient client, ByteBuf payload, long sequence, long epoch);
    }

    /** {@code data}, when there is some, is borrowed: each replica's request gets its own payload at dispatch. */
    private CompletableFuture<Void> change(long offset, long length, boolean fua, ByteBuf data, SequencedSend send) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        dispatch(offset, length, fua, data, send, result, QuorumWait.NOT_WAITED);
        return result;
    }

    /**
     * Sends a change to the write set; without quorum it waits for one, and is sent again, with a new
     * sequence number, if the quorum is lost before it is acknowledged. Sending it again is safe: its
     * bytes are the same, and overlapping changes the initiator issued after its completion come later.
     */
    private void dispatch(long offset, long length, boolean fua, ByteBuf data, SequencedSend send,
            CompletableFuture<Void> result, long deadline) {
        LongConsumer again = next -> dispatch(offset, length, fua, data, send, result, next);
        List<Runnable> sends = new ArrayList<>();
        synchronized (writeSet) {
            if (writeSet.gate().holding(() -> again.accept(deadline))) {
                return;
            }
            List<Member> healthy = writeSet.healthy();
            if (healthy.size() < writeSet.consistencyFactor()) {
                writeSet.awaitQuorum(again, deadline, result);
                return;
            }
            long sequence = writeSet.nextSequence();
            long epoch = writeSet.epoch();
            List<Member> targets = writeSet.writeTargets();
            long firstRegion = WriteRegions.first(offset);
            long lastRegion = WriteRegions.last(offset, length);
            writeSet.unflushed().changed(firstRegion, lastRegion);
            for (Member member : writeSet.members()) {
                if (!member.inWriteSet()) {
                    member.missed(firstRegion, lastRegion);
                } else if (member.mode() == MemberMode.REBUILDING) {
                    member.tookWhileRebuilding(firstRegion, lastRegion);
                }
            }
            InFlightOps.Registered registered = writeSet.ops().register(offset, offset + length, targets);
            registered.op().acknowledgedBy(result);
            Quorum quorum = new Quorum(healthy.size(), writeSet.consistencyFactor(), fua, result, writeSet, true,
                    again, deadline);
            for (Member member : targets) {
                ReplicaClient client = member.client();
                boolean counts = member.mode() == MemberMode.HEALTHY;
                CompletableFuture<Void> before = registered.earlierDoneOn(member);
                ByteBuf payload = payloadFor(data);
                sends.add(() -> after(before, () -> tracked(member, client, true,
                                () -> send.to(client, payload, sequence, epoch)))
                        .whenComplete((ok, failure) -> answered(member, client, registered.op(), quorum, counts,
                                failure)));
            }
        }
        sends.forEach(Runnable::run);
    }

    /**
     * Takes the answer of {@code member} to {@code op}. A replica that failed it leaves the write set
     * before the op counts as done on it: until then the regions of the op count as missed by it (so
     * that its rebuild copies them), no epoch change can drain without it (so that it is never given
     * the new epoch) and no flush can follow the op to it (so that it never marks what it lacks).
     */
    private void answered(Member member, ReplicaClient client, InFlightOps.Op op, Quorum quorum, boolean counts,
            Throwable failure) {
        if (failure != null) {
            writeSet.eject(member, client, "request failed: " + Failures.describe(failure));
        }
        op.finishedOn(member);
        quorum.answered(counts, failure);
    }

    /**
     * Sends once {@code before} (which always completes normally) has: at once, without a stage in
     * between, when it has already, which is the usual case.
     */
    private static CompletableFuture<Void> after(CompletableFuture<Void> before,
            Supplier<CompletableFuture<Void>> send) {
        return before.isDone() ? send.get() : before.thenCompose(ready -> send.get());
    }

    /**
     * Counts the request as outstanding on the member while it runs (and, when {@code timed}, its
     * time in the member's response time), and takes a lagging member out.
     */
    private CompletableFuture<Void> tracked(Member member, ReplicaClient client, boolean timed,
            Supplier<CompletableFuture<Void>> request) {
        long id = member.sent();
        if (member.outstanding() > settings.maxOutstanding()) {
            writeSet.eject(member, client, "lagging: more than " + settings.maxOutstanding()
                    + " requests unanswered");
        }
        CompletableFuture<Void> answer;
        try {
            answer = request.get();
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.whenComplete((ok, failure) -> member.answered(id, timed));
    }

    /**
     * Counts the answers of one request: it succeeds once {@code required} healthy replicas
     * answered (all healthy ones for a durable request, at least CF); once that cannot happen any
     * more, the request waits for the quorum to be sent again.
     */
    private static final class Quorum {
        private final int healthyTargets;
        private final int consistencyFactor;
        private final boolean everyHealthy;
        private final CompletableFuture<Void> result;
        private final WriteSet writeSet;
        private final boolean waitForSettled;
        private final LongConsumer dispatchAgain;
        private final long deadline;
        private int successes;
        private int failures;
        private boolean decided;

        Quorum(int healthyTargets, int consistencyFactor, boolean everyHealthy, CompletableFuture<Void> result,
                WriteSet writeSet, boolean waitForSettled, LongConsumer dispatchAgain, long deadline) {
            this.waitForSettled = waitForSettled;
            this.dispatchAgain = dispatchAgain;
            this.deadline = deadline;
            this.healthyTargets = healthyTargets;
            this.consistencyFactor = consistencyFactor;
            this.everyHealthy = everyHealthy;
            this.result = result;
            this.writeSet = writeSet;
        }

        void answered(boolean counts, Throwable failure) {
            if (!counts) {
                return;
            }
            boolean acknowledge = false;
            boolean fail = false;
            synchronized (this) {
                if (failure == null) {
                    successes++;
                } else {
                    failures++;
                }
                if (decided) {
                    return;
                }
                boolean enough = everyHealthy ? successes + failures == healthyTargets && successes >= consistencyFactor
                        : successes >= consistencyFactor;
                if (enough) {
                    decided = acknowledge = true;
                } else if (healthyTargets - failures < consistencyFactor) {
                    decided = fail = true;
                }
            }
            if (acknowledge && waitForSettled) {
                writeSet.acknowledge(result, dispatchAgain, deadline);
            } else if (acknowledge) {
                result.complete(null);
            } else if (fail) {
                writeSet.awaitQuorum(dispatchAgain, deadline, result);
            }
        }
    }
}
