package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDeviceException;
import io.basalt.engine.replica.client.ReplicaClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volume's replicas, which of them form the write set, and the epoch. Every change of the set
 * of healthy replicas advances the epoch: new writes are held back, the writes under way finish,
 * the new epoch is persisted on every replica that stays, with the size of that set and the
 * consistency factor (so that a start-up knows how many of them hold every acknowledged write), and
 * only then are writes acknowledged
 * again. Acknowledgements wait for pending changes, so nothing is acknowledged on the strength of a
 * replica that is leaving. Writes that find fewer than CF healthy replicas wait for them for a
 * while ({@link QuorumWait}). All state is guarded by this object's monitor.
 */
final class WriteSet {

    private static final Logger LOG = LoggerFactory.getLogger(WriteSet.class);

    private final String volume;
    private final int consistencyFactor;
    private final List<Member> members = new CopyOnWriteArrayList<>();
    private final InFlightOps ops = new InFlightOps(this);
    private final UnflushedChanges unflushed = new UnflushedChanges();
    private final DispatchGate gate = new DispatchGate();
    private final SerialTasks serial = new SerialTasks();
    private final QuorumWait quorumWait;
    private final ScheduledExecutorService scheduler;
    private final List<CompletableFuture<Void>> settleWaiters = new ArrayList<>();
    private Consumer<Member> onOffline = member -> { };
    private long epoch;
    private long sequence;
    private int pendingChanges;
    /** Changes of the set of healthy replicas begun so far. */
    private long changes;
    /** The sequence through which every healthy replica is known to hold every write; -1 while unknown. */
    private long heldEverywhere = -1;
    /** The highest such sequence that every healthy replica has persisted as its mark. */
    private long markedEverywhere = -1;
    private long expiryScheduledFor = QuorumWait.NOT_WAITED;
    /** Incomplete while the replicas an opening trusts are reconciled: reads wait for it, writes at the gate. */
    private CompletableFuture<Void> reconciled = CompletableFuture.completedFuture(null);
    private volatile long size;

    /** {@code scheduler} runs the end of writes' waits for the quorum. */
    WriteSet(String volume, int consistencyFactor, Duration quorumWait, ScheduledExecutorService scheduler) {
        this.volume = volume;
        this.consistencyFactor = consistencyFactor;
        this.quorumWait = new QuorumWait(quorumWait.toNanos());
        this.scheduler = scheduler;
    }

    /** Who to tell when a replica goes offline (to reconnect it). */
    synchronized void onOffline(Consumer<Member> listener) {
        onOffline = listener;
    }

    String volume() {
        return volume;
    }

    int consistencyFactor() {
        return consistencyFactor;
    }

    long size() {
        return size;
    }

    void size(long newSize) {
        size = newSize;
    }

    synchronized long epoch() {
        return epoch;
    }

    synchronized void epoch(long value) {
        epoch = value;
    }

    synchronized long sequence() {
        return sequence;
    }

    /**
     * Opens the write set at {@code value}, or at its own sequence if that is higher: numbers handed
     * out before a reopen stay used. What the replicas hold everywhere is learnt afresh.
     */
    synchronized void openAt(long value) {
        sequence = Math.max(sequence, value);
        heldEverywhere = -1;
        markedEverywhere = -1;
    }

    synchronized long nextSequence() {
        return ++sequence;
    }

    /**
     * The write set as a flush dispatched now finds it, or null while its healthy set changes: a
     * replica leaving may lack writes that the others hold.
     */
    record FlushPoint(long sequence, long changes) {
    }

    synchronized FlushPoint flushPoint() {
        return pendingChanges == 0 ? new FlushPoint(sequence, changes) : null;
    }

    /**
     * The mark a flush carries for the replicas to persist: the sequence through which every
     * healthy replica is known to hold every write, or -1 while that is unknown. A replica marks
     * only what all of them hold, because a mark makes it forget which regions it wrote, and a
     * start-up copies a region from the replica that lists the newest write to it: a replica that
     * marked a write that another (lagging) replica missed would leave that replica unrepaired.
     */
    synchronized long heldEverywhere() {
        return heldEverywhere;
    }

    /**
     * A flush dispatched at {@code point}, carrying {@code mark}, was made durable by every healthy
     * replica it went to, each after every earlier write had succeeded on it: unless the healthy
     * set changed since, every healthy replica holds every write up to {@code point}.
     */
    synchronized void flushedEverywhere(FlushPoint point, long mark) {
        if (point == null || point.changes() != changes) {
            return;
        }
        heldEverywhere = Math.max(heldEverywhere, point.sequence());
        markedEverywhere = Math.max(markedEverywhere, mark);
    }

    /** Whether every healthy replica has persisted a mark that covers every write so far. */
    synchronized boolean markedEverywhere() {
        return markedEverywhere == sequence;
    }

    InFlightOps ops() {
        return ops;
    }

    UnflushedChanges unflushed() {
        return unflushed;
    }

    /**
     * {@code member} made {@code flush} durable: what every healthy member made durable is forgotten.
     * Flushes go to the healthy ones only; a rebuilding one keeps what it takes itself.
     */
    synchronized void madeDurable(Member member, long flush) {
        member.madeDurable(flush);
        unflushed.durableEverywhere(members.stream()
                .filter(candidate -> candidate.inWriteSet() && candidate.mode() == MemberMode.HEALTHY)
                .mapToLong(Member::durableFlush).min().orElse(flush));
    }

    DispatchGate gate() {
        return gate;
    }

    SerialTasks serial() {
        return serial;
    }

    List<Member> members() {
        return members;
    }

    void add(Member member) {
        members.add(member);
    }

    synchronized List<Member> healthy() {
        return members.stream().filter(m -> m.mode() == MemberMode.HEALTHY && m.client() != null).toList();
    }

    synchronized List<Member> writeTargets() {
        return members.stream().filter(Member::inWriteSet).toList();
    }

    synchronized boolean online() {
        return healthy().size() >= consistencyFactor;
    }

    /** Why writes are refused, for errors and status. */
    synchronized String unavailableReason() {
        String others = notHealthy();
        return "volume " + volume + " has " + healthy().size() + " healthy replica(s), needs " + consistencyFactor
                + (others.isEmpty() ? "" : ": " + others);
    }

    /** Why a volume that still has CF healthy replicas is not whole: the others, and why. */
    synchronized String degradedReason() {
        return healthy().size() + " of " + members.size() + " replicas healthy, writes go on (CF " + consistencyFactor
                + "): " + notHealthy();
    }

    /** The members that are not healthy, each with its mode and why. */
    private String notHealthy() {
        return members.stream().filter(m -> m.mode() != MemberMode.HEALTHY)
                .map(m -> m.name() + " " + m.mode().name().toLowerCase() + " (" + m.reason() + ")")
                .collect(Collectors.joining("; "));
    }

    BlockDeviceException.Unavailable unavailable() {
        return new BlockDeviceException.Unavailable(unavailableReason());
    }

    /**
     * Takes {@code member} out of the write set because {@code client}, its connection, failed. A
     * failure reported by an older connection than the member's current one changes nothing.
     */
    void eject(Member member, ReplicaClient client, String reason) {
        ReplicaClient closing;
        boolean wasHealthy;
        synchronized (this) {
            if (member.client() != client || client == null || member.mode() == MemberMode.OFFLINE) {
                return;
            }
            wasHealthy = member.mode() == MemberMode.HEALTHY;
            if (wasHealthy) {
                changes++; // at once: a flush dispatched before the epoch change starts must not count it
            }
            RoaringBitmap missing = inFlightRegions(member);
            if (wasHealthy) {
                missing.or(unflushed.changedSince(member.durableFlush()));
                member.trackDirty(missing, epoch);
            } else if (member.dirtyRegions() != null) {
                // an interrupted delta rebuild: those regions, with the ones it took meanwhile (see Member#tookWhileRebuilding)
                member.dirtyRegions().or(missing);
            }
            member.become(MemberMode.OFFLINE, reason);
            member.rebuild(null);
            member.clearOutstanding();
            closing = member.detach();
            LOG.warn("replica left the write set: {} {} {} {}", kv("volume", volume), kv("replica", member.toString()),
                    kv("reason", reason), kv("healthy", healthy().size()));
        }
        closing.closeAsync();
        if (wasHealthy) {
            changeEpoch(null, null);
        }
        if (!member.removed()) {
            onOffline.accept(member);
        }
    }

    /** Removes a member for good; its connection closes. */
    void remove(Member member) {
        ReplicaClient closing;
        boolean wasHealthy;
        synchronized (this) {
            member.markRemoved();
            wasHealthy = member.mode() == MemberMode.HEALTHY;
            if (wasHealthy) {
                changes++;
            }
            member.become(MemberMode.OFFLINE, "removed from the volume");
            closing = member.detach();
            members.remove(member);
        }
        if (closing != null) {
            closing.closeAsync();
        }
        if (wasHealthy) {
            changeEpoch(null, null);
        }
    }

    private RoaringBitmap inFlightRegions(Member member) {
        RoaringBitmap regions = new RoaringBitmap();
        for (InFlightOps.Op op : ops.snapshot()) {
            if (op.copyDone == null && op.end > op.offset && op.perMember.containsKey(member) && !op.doneOnNow(member)) {
                regions.add(WriteRegions.first(op.offset), WriteRegions.last(op.offset, op.end - op.offset) + 1);
            }
        }
        return regions;
    }

    /**
     * Advances the epoch: holds new writes, lets those under way finish, persists the new epoch on
     * the healthy replicas (and on {@code promoted}, a rebuilt replica that joins them, if it is
     * still connected through {@code rebuiltThrough}: connected again since, it is rebuilding anew
     * and may lack writes), then lets writes through again. A replica that fails to persist it
     * leaves, which is another change.
     */
    CompletableFuture<Void> changeEpoch(Member promoted, ReplicaClient rebuiltThrough) {
        synchronized (this) {
            pendingChanges++;
            changes++;
        }
        CompletableFuture<Void> change = serial.run(() -> {
            List<InFlightOps.Op> draining;
            synchronized (this) {
                gate.close();
                draining = toDrain(promoted);
            }
            return CompletableFuture.allOf(draining.stream().map(op -> op.allDone).toArray(CompletableFuture[]::new))
                    .thenCompose(drained -> persistEpoch(promoted, rebuiltThrough))
                    .whenComplete((done, failure) -> reopenGate());
        });
        return change.whenComplete((done, failure) -> {
            List<CompletableFuture<Void>> settled = List.of();
            synchronized (this) {
                pendingChanges--;
                if (pendingChanges == 0) {
                    settled = List.copyOf(settleWaiters);
                    settleWaiters.clear();
                }
            }
            settled.forEach(waiter -> waiter.complete(null));
            dispatchWritesHeldForQuorum();
        });
    }

    /**
     * Dispatches a write again once CF replicas are healthy: at once when they are, else when they
     * are again, until its deadline (see {@link QuorumWait}); past that, or with no
     * {@code dispatchAgain}, it fails as unavailable. {@code deadline}: the write's, or
     * {@link QuorumWait#NOT_WAITED}.
     */
    void awaitQuorum(LongConsumer dispatchAgain, long deadline, CompletableFuture<Void> result) {
        long now = System.nanoTime();
        long due;
        boolean quorate;
        QuorumWait.Next next;
        synchronized (this) {
            quorate = online();
            due = quorumWait.deadline(deadline, quorate, now);
            next = dispatchAgain == null ? QuorumWait.Next.FAIL
                    : quorumWait.admit(new QuorumWait.Held(dispatchAgain, due, result), quorate, now);
            if (next == QuorumWait.Next.HELD) {
                failWhenDue(due, now);
            }
        }
        switch (next) {
            case DISPATCH_AGAIN -> dispatchAgain.accept(due);
            case HELD -> { }
            case FAIL -> result.completeExceptionally(quorate && dispatchAgain != null
                    ? new BlockDeviceException.Unavailable("volume " + volume + " lost its quorum again and again "
                            + "while this request was under way, longer than the quorum wait")
                    : unavailable());
        }
    }

    /** Has the writes held until {@code due} failed then, unless they have gone out before. */
    private void failWhenDue(long due, long now) {
        if (due == expiryScheduledFor) {
            return;
        }
        expiryScheduledFor = due;
        try {
            scheduler.schedule(this::failExpiredWaits, due - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            // the volume is closing: stopWaitingForQuorum fails what is held
        }
    }

    /** Fails the writes waiting for the quorum, and any that would: the volume is closing. */
    void stopWaitingForQuorum() {
        List<QuorumWait.Held> waiting;
        synchronized (this) {
            waiting = quorumWait.close();
        }
        waiting.forEach(write -> write.result().completeExceptionally(
                new BlockDeviceException.Unavailable("volume " + volume + " is closing")));
    }

    private void failExpiredWaits() {
        List<QuorumWait.Held> expired;
        synchronized (this) {
            expired = quorumWait.expired(System.nanoTime());
        }
        if (!expired.isEmpty()) {
            BlockDeviceException.Unavailable reason = unavailable();
            LOG.warn("writes waited for the quorum in vain: {} {} {}", kv("volume", volume), kv("writes", expired.size()),
                    kv("reason", reason.getMessage()));
            expired.forEach(write -> write.result().completeExceptionally(reason));
        }
    }

    private void dispatchWritesHeldForQuorum() {
        List<QuorumWait.Held> released;
        synchronized (this) {
            if (!online()) {
                return;
            }
            quorumWait.recovered();
            released = quorumWait.release();
        }
        if (!released.isEmpty()) {
            LOG.info("quorum back; writes that waited for it go out: {} {}", kv("volume", volume),
                    kv("writes", released.size()));
            released.forEach(write -> write.dispatchAgain().accept(write.deadline()));
        }
    }

    private CompletableFuture<Void> persistEpoch(Member promoted, ReplicaClient rebuiltThrough) {
        long current;
        long newEpoch;
        List<Member> targets;
        synchronized (this) {
            current = epoch;
            newEpoch = epoch + 1;
            targets = new ArrayList<>(healthy());
            if (promoted != null && promoted.mode() == MemberMode.REBUILDING && promoted.client() == rebuiltThrough) {
                targets.add(promoted);
            }
        }
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (Member member : targets) {
            ReplicaClient client = member.client();
            // the writes it took since its rebuild's flush, which a flush of the healthy ones does not cover, are
            // durable before it counts as healthy
            CompletableFuture<Void> durable = member == promoted ? client.flush(current, -1)
                    : CompletableFuture.completedFuture(null);
            answers.add(durable.thenCompose(flushed -> client.setEpoch(newEpoch, targets.size(), consistencyFactor))
                    .handle((ok, failure) -> {
                        epochPersisted(member, client, promoted, newEpoch, failure);
                        return null;
                    }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenRun(() -> {
            synchronized (this) {
                epoch = newEpoch;
                LOG.info("write set epoch advanced: {} {} {}", kv("volume", volume), kv("epoch", newEpoch),
                        kv("healthy", healthy().stream().map(Member::name).toList()));
            }
        });
    }

    /** {@code member} persisted {@code newEpoch} (or failed to, and leaves); a promoted one is healthy from now on. */
    private void epochPersisted(Member member, ReplicaClient client, Member promoted, long newEpoch, Throwable failure) {
        if (failure != null) {
            eject(member, client, "cannot persist epoch " + newEpoch + ": " + Failures.describe(failure));
            return;
        }
        synchronized (this) {
            member.persistedEpoch(newEpoch);
            if (member == promoted && member.client() == client) {
                member.become(MemberMode.HEALTHY, "rebuilt; in the write set");
                member.forgetDirty();
                member.rebuildFinished();
                LOG.info("replica rebuilt and healthy: {} {} {}", kv("volume", volume),
                        kv("replica", member.toString()), kv("epoch", newEpoch));
            }
        }
    }

    private void reopenGate() {
        Queue<Runnable> released;
        synchronized (this) {
            released = gate.open();
        }
        released.forEach(Runnable::run);
    }

    /** Completes once no change of the write set is pending. */
    synchronized CompletableFuture<Void> whenSettled() {
        if (pendingChanges == 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        settleWaiters.add(waiter);
        return waiter;
    }

    /**
     * Completes {@code result} once the write set is settled while enough replicas remain; else the
     * write waits for the quorum to be dispatched again (see {@link #awaitQuorum}).
     */
    void acknowledge(CompletableFuture<Void> result, LongConsumer dispatchAgain, long deadline) {
        whenSettled().thenRun(() -> {
            boolean acknowledged;
            synchronized (this) {
                acknowledged = online();
            }
            if (acknowledged) {
                result.complete(null);
            } else {
                awaitQuorum(dispatchAgain, deadline, result);
            }
        });
    }

    /**
     * Holds reads and writes from now until {@link #reconciliationOver()}: the replicas that an
     * opening trusts serve only once they hold the same data, which they may not yet.
     */
    void holdForReconciliation() {
        synchronized (this) {
            gate.close();
            reconciled = new CompletableFuture<>();
        }
    }

    void reconciliationOver() {
        CompletableFuture<Void> over;
        synchronized (this) {
            over = reconciled;
        }
        reopenGate();
        over.complete(null);
    }

    /** Completes once no opening is reconciling the replicas. */
    synchronized CompletableFuture<Void> reconciled() {
        return reconciled;
    }

    /** Holds new writes and waits for those under way: for snapshots. Release with {@link #resume()}. */
    CompletableFuture<Void> quiesce() {
        List<InFlightOps.Op> draining;
        synchronized (this) {
            gate.close();
            draining = toDrain(null);
        }
        return CompletableFuture.allOf(draining.stream().map(op -> op.allDone).toArray(CompletableFuture[]::new));
    }

    /**
     * The requests under way that a change of the set or a snapshot waits for: all but the copies
     * into replicas being rebuilt (other than {@code promoted}), which change no healthy replica;
     * a copy that takes long would hold the application's writes back all that time.
     */
    private List<InFlightOps.Op> toDrain(Member promoted) {
        return ops.snapshot().stream().filter(op -> op.copyDone == null || op.perMember.keySet().stream()
                .anyMatch(member -> member.mode() == MemberMode.HEALTHY || member == promoted)).toList();
    }

    void resume() {
        reopenGate();
    }
}
