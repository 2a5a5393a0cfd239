package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDevice;
import io.basalt.engine.block.BlockDeviceException;
import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaRequestFailedException;
import io.basalt.engine.replica.client.ReplicaState;
import io.basalt.engine.replica.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block device whose data lives on the replicas of one volume (see the package documentation).
 * Created closed to I/O; {@link #ready()} completes once the volume opened on enough replicas.
 */
public final class ReplicatedBlockDevice implements BlockDevice {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedBlockDevice.class);
    private static final long LAG_CHECK_MILLIS = 250;

    private final int blockSize;
    private final ReplicationSettings settings;
    private final ScheduledExecutorService scheduler;
    private final WriteSet writeSet;
    private final WritePipeline writes;
    private final ReadPath reads;
    private final Reconnector reconnector;
    private final MemberJoiner joiner;
    private final VolumeStartup startup;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Membership requests take turns: each decides on the members as the one before left them. */
    private final Object membership = new Object();
    private volatile boolean closed;
    private final AtomicBoolean reopening = new AtomicBoolean();

    private ReplicatedBlockDevice(String volume, List<ReplicaEndpoint> replicas, byte[] secret,
            ReplicationSettings settings, int blockSize, EventLoopGroup group) {
        this.blockSize = blockSize;
        this.settings = settings;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("replication-" + volume).daemon().factory());
        this.writeSet = new WriteSet(volume, settings.consistencyFactor(), settings.quorumWait(), scheduler);
        replicas.forEach(endpoint -> writeSet.add(new Member(endpoint)));
        RegionCopier copier = new RegionCopier(writeSet);
        this.writes = new WritePipeline(writeSet, settings);
        this.reads = new ReadPath(writeSet);
        this.reconnector = new Reconnector(writeSet, group, scheduler, secret, settings);
        this.joiner = new MemberJoiner(writeSet, copier, settings, reconnector);
        this.startup = new VolumeStartup(writeSet, reconnector, copier, joiner, settings);
        writeSet.onOffline(reconnector::retry);
        reconnector.onConnected(this::connected);
    }

    /**
     * Opens volume {@code volume} on {@code replicas} in the background, authenticating with
     * {@code secret}; see {@link #ready()}. The replica connections run on {@code group} (from
     * {@link ReplicaClient#newEventLoopGroup(int)}), which the caller owns and closes after the
     * device: serving the initiators' connections on the same event loop spares every request two
     * thread hand-offs.
     */
    public static ReplicatedBlockDevice open(String volume, List<ReplicaEndpoint> replicas, byte[] secret,
            ReplicationSettings settings, int blockSize, EventLoopGroup group) {
        ReplicatedBlockDevice device = new ReplicatedBlockDevice(volume, replicas, secret, settings, blockSize, group);
        Thread.ofPlatform().name("volume-start-" + volume).daemon().start(device::start);
        return device;
    }

    /**
     * A replica that connected again joins the write set, rebuilt from a healthy one; when none is
     * healthy (every replica left, as when the last healthy ones fail while the others rebuild),
     * there is nothing to rebuild from, and the volume opens again as at start-up instead.
     */
    private void connected(Member member, ReplicaClient client) {
        if (ready.isDone() && writeSet.healthy().isEmpty()) {
            client.closeAsync();
            reopen();
        } else {
            joiner.join(member, client);
        }
    }

    private void reopen() {
        if (closed || !reopening.compareAndSet(false, true)) {
            return;
        }
        LOG.warn("no replica is healthy: opening the volume again as at start-up: {}", kv("volume", writeSet.volume()));
        Thread.ofPlatform().name("volume-reopen-" + writeSet.volume()).daemon().start(() -> {
            try {
                startup.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                reopening.set(false);
            }
        });
    }

    /** Completes once the volume is open: its size known and reconciled replicas serving. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    private void start() {
        try {
            startup.run();
            scheduler.scheduleWithFixedDelay(this::ejectLagging, LAG_CHECK_MILLIS, LAG_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            long mark = settings.markInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::markConsistent, mark, mark, TimeUnit.MILLISECONDS);
            ready.complete(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        } catch (RuntimeException e) {
            LOG.error("volume failed to open: {} {}", kv("volume", writeSet.volume()), kv("reason", e.toString()));
            ready.completeExceptionally(e);
        }
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public long size() {
        return writeSet.size();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        try {
            requireRange(offset, length);
        } catch (BlockDeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reads.read(offset, length).handle((data, failure) -> {
            if (failure != null) {
                throw mediumError("read", failure);
            }
            return data;
        });
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean forceUnitAccess) {
        try {
            requireRange(offset, data.readableBytes());
        } catch (BlockDeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return failures("write", writes.write(offset, data, forceUnitAccess));
    }

    @Override
    public CompletableFuture<Void> flush() {
        return failures("flush", writes.flush());
    }

    @Override
    public CompletableFuture<Void> deallocate(long offset, long length) {
        try {
            requireRange(offset, length);
        } catch (BlockDeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return failures("unmap", writes.unmap(offset, length));
    }

    @Override
    public CompletableFuture<List<Extent>> allocation(long offset, long length) {
        try {
            requireRange(offset, length);
        } catch (BlockDeviceException e) {
            return CompletableFuture.failedFuture(e);
        }
        return reads.allocation(offset, length).handle((extents, failure) -> {
            if (failure != null) {
                throw mediumError("allocation", failure);
            }
            return extents.stream().map(extent -> new Extent(extent.offset(), extent.length(), extent.mapped()))
                    .toList();
        });
    }

    /**
     * Grows every replica of the write set, then the device; replicas away grow when they return.
     * The size is checked when the growths asked for before have run: their size is the one to grow from.
     */
    @Override
    public CompletableFuture<Void> resize(long newSize) {
        return writeSet.serial().run(() -> {
            long current = size();
            if (newSize < current || newSize % blockSize != 0) {
                return CompletableFuture.failedFuture(new BlockDeviceException.InvalidSize(newSize, current, blockSize));
            }
            if (newSize == current) {
                return CompletableFuture.completedFuture(null);
            }
            List<Member> targets;
            long epoch;
            synchronized (writeSet) {
                targets = writeSet.writeTargets();
                epoch = writeSet.epoch();
            }
            if (writeSet.healthy().size() < settings.consistencyFactor()) {
                return CompletableFuture.failedFuture(writeSet.unavailable());
            }
            List<CompletableFuture<Boolean>> grown = new ArrayList<>();
            Set<ReplicaClient> asked = new HashSet<>();
            AtomicReference<String> unsupported = new AtomicReference<>();
            for (Member member : targets) {
                ReplicaClient client = member.client();
                asked.add(client);
                boolean counts = member.mode() == MemberMode.HEALTHY;
                grown.add(client.resize(newSize, epoch).handle((ok, failure) -> {
                    Throwable cause = failure == null ? null : Failures.cause(failure);
                    // a size the pools refuse is the request's fault, not the replica's: it stays
                    if (cause instanceof ReplicaRequestFailedException refused
                            && refused.code() == ErrorCode.INVALID_REQUEST) {
                        unsupported.compareAndSet(null, refused.getMessage());
                    } else if (failure != null) {
                        writeSet.eject(member, client, "resize failed: " + Failures.describe(failure));
                    }
                    return failure == null && counts;
                }));
            }
            return CompletableFuture.allOf(grown.toArray(CompletableFuture[]::new)).thenCompose(all -> {
                if (unsupported.get() != null) {
                    throw new BlockDeviceException.UnsupportedSize(newSize, unsupported.get());
                }
                long healthyGrown = grown.stream().filter(CompletableFuture::join).count();
                if (healthyGrown < settings.consistencyFactor()) {
                    throw writeSet.unavailable();
                }
                return sizeOnceEveryMemberGrew(newSize, asked);
            }).thenRun(() -> LOG.info("volume grown: {} {} {}", kv("volume", writeSet.volume()),
                    kv("previousBytes", current), kv("sizeBytes", newSize)));
        });
    }

    /**
     * Sets the volume's new size once every replica in the write set has it: one that joined while
     * the others grew grows first (one that cannot leaves, to join again at the new size). The size
     * is set under the lock that a joining replica is checked against it under (see
     * {@link MemberJoiner}), so that no replica joins at the old size after it was set.
     * {@code grown}: the connections that were asked to grow.
     */
    private CompletableFuture<Void> sizeOnceEveryMemberGrew(long newSize, Set<ReplicaClient> grown) {
        Map<Member, ReplicaClient> joined = new LinkedHashMap<>();
        long epoch;
        synchronized (writeSet) {
            writeSet.writeTargets().stream().filter(member -> !grown.contains(member.client()))
                    .forEach(member -> joined.put(member, member.client()));
            if (joined.isEmpty()) {
                writeSet.size(newSize);
                return CompletableFuture.completedFuture(null);
            }
            epoch = writeSet.epoch();
        }
        grown.addAll(joined.values());
        List<CompletableFuture<Void>> growing = new ArrayList<>();
        joined.forEach((member, client) -> growing.add(client.resize(newSize, epoch).handle((ok, failure) -> {
            if (failure != null) {
                writeSet.eject(member, client, "cannot grow it with the volume: " + Failures.describe(failure));
            }
            return null;
        })));
        return CompletableFuture.allOf(growing.toArray(CompletableFuture[]::new))
                .thenCompose(all -> sizeOnceEveryMemberGrew(newSize, grown));
    }

    /** What a snapshot produced: the replicas that hold it, and the members left without it. */
    public record SnapshotTaken(String name, List<ReplicaEndpoint> replicas, List<Missing> missing,
                                long createdMillis) {

        /** A member that does not hold the snapshot, and why. */
        public record Missing(ReplicaEndpoint replica, String reason) {
        }
    }

    /**
     * Drains the writes under way (holding new ones), flushes, and snapshots every healthy replica.
     * Refused with fewer than CF healthy replicas, or when fewer than CF took it. A replica that is
     * rebuilding is left without the snapshot rather than waited for: its copy is not complete, a
     * rebuild may take hours, and the volume's content is already frozen on the healthy replicas;
     * the answer names it, so that clones are made where the snapshot is. A name already taken is
     * not taken again (see {@link DrainedSnapshot}): the answer says who holds it and since when.
     */
    public CompletableFuture<SnapshotTaken> snapshot(String name) {
        return writeSet.serial().run(() -> {
            if (!writeSet.online()) {
                return CompletableFuture.failedFuture(new ReplicationRequestException.Refused(
                        "cannot snapshot: " + writeSet.unavailableReason()));
            }
            return writeSet.quiesce().thenCompose(drained -> writes.flushHeld())
                    .thenCompose(flushed -> DrainedSnapshot.run(writeSet, name))
                    .whenComplete((done, failure) -> writeSet.resume());
        });
    }

    /**
     * Adds a replica: it takes new writes at once and rebuilds the rest. A member already there is
     * returned as it is, also to a request made while another one added it.
     */
    public VolumeStatus.Replica addReplica(ReplicaEndpoint endpoint) {
        synchronized (membership) {
            return add(endpoint);
        }
    }

    private VolumeStatus.Replica add(ReplicaEndpoint endpoint) {
        // replicas are told apart by name and pool: by default every replica is named after the volume
        for (Member member : writeSet.members()) {
            if (member.name().equals(endpoint.name()) && member.endpoint().address().equals(endpoint.address())) {
                return describe(member);
            }
        }
        Member member = new Member(endpoint);
        ReplicaClient client;
        try {
            client = reconnector.connect(member).join();
        } catch (CompletionException e) {
            throw new ReplicationRequestException.Refused("cannot use replica " + endpoint + ": "
                    + Failures.describe(e), Failures.cause(e));
        }
        ReplicaState state = client.state();
        long size = size(); // 0 until the volume has opened
        // a larger one would keep whatever it holds past the volume's end, to show once the volume grows
        if (state.sizeBytes() < size || size > 0 && state.sizeBytes() > size) {
            client.closeAsync();
            throw new ReplicationRequestException.Refused("replica " + endpoint + " has " + state.sizeBytes()
                    + " bytes; the volume has " + size + ": create it at the volume's size");
        }
        long epoch = writeSet.epoch();
        if (state.epoch() > epoch) {
            client.closeAsync();
            throw new ReplicationRequestException.Refused("replica " + endpoint + " is at epoch " + state.epoch()
                    + ", newer than the volume's " + epoch + ": another target may be writing to it");
        }
        writeSet.add(member);
        LOG.info("replica added: {} {}", kv("volume", writeSet.volume()), kv("replica", endpoint.toString()));
        joiner.join(member, client);
        return describe(member);
    }

    /** Retires a replica; refused when fewer than CF healthy replicas would remain. */
    public void removeReplica(String name, String address) {
        synchronized (membership) {
            remove(name, address);
        }
    }

    private void remove(String name, String address) {
        Member found = writeSet.members().stream()
                .filter(member -> member.name().equals(name) && member.endpoint().address().equals(address))
                .findFirst()
                .orElseThrow(() -> new ReplicationRequestException.NotAMember("replica " + name + "@" + address
                        + " is not a member of volume " + writeSet.volume()));
        synchronized (writeSet) {
            long healthyAfter = writeSet.healthy().stream().filter(member -> member != found).count();
            if (healthyAfter < settings.consistencyFactor()) {
                throw new ReplicationRequestException.Refused("removing " + found + " would leave " + healthyAfter
                        + " healthy replica(s); " + settings.consistencyFactor() + " needed");
            }
        }
        writeSet.remove(found);
        LOG.info("replica removed: {} {}", kv("volume", writeSet.volume()), kv("replica", found.toString()));
    }

    /** Health, epoch and every replica's mode, lag, rebuild and response time. */
    public VolumeStatus status() {
        synchronized (writeSet) {
            List<VolumeStatus.Replica> replicas = writeSet.members().stream().map(this::describe).toList();
            String waiting = startup.waitingFor();
            VolumeStatus.Health health;
            String reason;
            if (waiting != null) {
                health = VolumeStatus.Health.OFFLINE;
                reason = waiting;
            } else if (!writeSet.online()) {
                health = VolumeStatus.Health.OFFLINE;
                reason = "no write quorum (writes wait, then fail): " + writeSet.unavailableReason();
            } else if (replicas.stream().allMatch(replica -> replica.mode() == MemberMode.HEALTHY)) {
                health = VolumeStatus.Health.HEALTHY;
                reason = "all " + replicas.size() + " replicas healthy";
            } else {
                health = VolumeStatus.Health.DEGRADED;
                reason = writeSet.degradedReason();
            }
            List<String> spared = replicas.stream().filter(VolumeStatus.Replica::readsSpared)
                    .map(replica -> replica.endpoint().toString()).toList();
            if (!spared.isEmpty()) {
                reason += "; reads spare " + String.join(", ", spared) + ", much slower than the others";
            }
            return new VolumeStatus(writeSet.volume(), health, reason, settings.consistencyFactor(), writeSet.epoch(),
                    writeSet.sequence(), size(), replicas);
        }
    }

    private VolumeStatus.Replica describe(Member member) {
        synchronized (writeSet) {
            long lag = member.inWriteSet() ? acknowledgedNotAnswered(member) : member.missedWrites();
            long now = System.nanoTime();
            double response = member.responseNanos(now);
            double fastest = writeSet.healthy().stream().mapToDouble(healthy -> healthy.responseNanos(now)).min()
                    .orElse(0);
            return new VolumeStatus.Replica(member.endpoint(), member.mode(), member.reason(), lag,
                    member.persistedEpoch(), member.mode() == MemberMode.REBUILDING ? member.rebuild() : null,
                    member.lastRebuild(), response / 1e6,
                    member.mode() == MemberMode.HEALTHY && ReadPath.readWeight(response, fastest) > 1);
        }
    }

    /** Writes and unmaps the volume acknowledged that {@code member} has not answered; reads and flushes are no lag. */
    private long acknowledgedNotAnswered(Member member) {
        return writeSet.ops().snapshot().stream()
                .filter(op -> op.acknowledged() && op.perMember.containsKey(member) && !op.doneOnNow(member))
                .count();
    }

    @Override
    public void close() {
        closed = true;
        reconnector.close();
        scheduler.shutdownNow();
        writeSet.stopWaitingForQuorum();
        for (Member member : writeSet.members()) {
            ReplicaClient client;
            synchronized (writeSet) {
                member.markRemoved();
                client = member.detach();
            }
            if (client != null) {
                client.close();
            }
        }
    }

    private void ejectLagging() {
        long maxLagNanos = settings.maxLag().toNanos();
        for (Member member : writeSet.writeTargets()) {
            long age = member.oldestOutstandingAgeNanos();
            if (age > maxLagNanos) {
                writeSet.eject(member, member.client(), "lagging: a request unanswered for "
                        + TimeUnit.NANOSECONDS.toMillis(age) + " ms");
            }
        }
    }

    /**
     * Lets the replicas persist how far they all hold every write, so that a restart has little to
     * reconcile. A flush learns how far every replica holds the writes before it, and the next one
     * marks that: it takes two flushes after the last write. A flush that fails is tried next time.
     */
    private void markConsistent() {
        if (closed || writeSet.markedEverywhere() || !writeSet.online()) {
            return;
        }
        writes.flush();
    }

    private <T> CompletableFuture<T> failures(String operation, CompletableFuture<T> result) {
        return result.handle((value, failure) -> {
            if (failure != null) {
                throw mediumError(operation, failure);
            }
            return value;
        });
    }

    private BlockDeviceException mediumError(String operation, Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof BlockDeviceException known) {
            return known;
        }
        return new BlockDeviceException.MediumError(operation, "volume " + writeSet.volume(), cause);
    }

    private void requireRange(long offset, long length) {
        long size = size();
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0 || offset > size - length) {
            throw new BlockDeviceException.InvalidRange(offset, length, size, blockSize);
        }
    }
}
