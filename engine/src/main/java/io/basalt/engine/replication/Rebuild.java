package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a replica that takes new writes up to date: copies, window by window, either only the
 * regions written while it was away (delta) or the whole volume, from healthy replicas, with a
 * bounded number of windows in flight and an optional pace limit so that application I/O keeps
 * its share. When done, the epoch advances with the replica in the healthy set.
 */
final class Rebuild {

    static final long WINDOW_BYTES = 8L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(Rebuild.class);

    private final WriteSet writeSet;
    private final RegionCopier copier;
    private final ReplicationSettings settings;
    private final RebuildPace pace;
    private final Member member;
    private final ReplicaClient client;
    private final Queue<long[]> windows;
    private final long totalBytes;
    private final boolean delta;
    private final long startedNanos = System.nanoTime();
    private final long startedMillis = System.currentTimeMillis();
    private final AtomicLong copied = new AtomicLong();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private int running;
    private boolean failed;

    private Rebuild(WriteSet writeSet, RegionCopier copier, ReplicationSettings settings, RebuildPace pace,
            Member member, ReplicaClient client, RoaringBitmap deltaRegions) {
        this.writeSet = writeSet;
        this.copier = copier;
        this.settings = settings;
        this.pace = pace;
        this.member = member;
        this.client = client;
        this.delta = deltaRegions != null;
        this.windows = delta ? deltaWindows(deltaRegions, writeSet.size()) : fullWindows(writeSet.size());
        this.totalBytes = windows.stream().mapToLong(window -> window[1]).sum();
    }

    /**
     * Rebuilds {@code member}, which already takes new writes through {@code client}; {@code deltaRegions}
     * null for a full copy; {@code pace}: the volume's, shared with its other rebuilds. Completes when it
     * is healthy, or failed.
     */
    static CompletableFuture<Void> start(WriteSet writeSet, RegionCopier copier, ReplicationSettings settings,
            RebuildPace pace, Member member, ReplicaClient client, RoaringBitmap deltaRegions) {
        Rebuild rebuild = new Rebuild(writeSet, copier, settings, pace, member, client, deltaRegions);
        rebuild.begin();
        return rebuild.finished;
    }

    private void begin() {
        LOG.info("rebuild started: {} {} {} {}", kv("volume", writeSet.volume()), kv("replica", member.toString()),
                kv("delta", delta), kv("totalBytes", totalBytes));
        report();
        synchronized (this) {
            for (int i = 0; i < settings.rebuildConcurrency(); i++) {
                next();
            }
            if (running == 0) {
                complete();
            }
        }
    }

    /** Starts the next window; called holding this object's monitor. */
    private void next() {
        if (failed || !stillRebuilding()) {
            return;
        }
        long[] window = windows.poll();
        if (window == null) {
            return;
        }
        running++;
        // the pace spaces out starts, not completions
        long delayNanos = pace.book(window[1], System.nanoTime());
        CompletableFuture<Void> paced = delayNanos <= 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS));
        paced.thenCompose(ready -> copyWindow(window[0], window[1], List.of()))
                .whenComplete((ok, failure) -> windowDone(window[1], failure));
    }

    /**
     * Copies a window from a healthy replica, another one when the pool being rebuilt cannot read
     * the first: a source is judged by the target's own requests to it, not by another pool's view
     * of it, which a network between two pools or a wrong secret on the rebuilding pool would spoil.
     * A rebuild given up meanwhile copies nothing: the replica's connection may be that of the
     * rebuild after it, which copies at its own pace.
     */
    private CompletableFuture<Void> copyWindow(long offset, long length, List<Member> unreadable) {
        if (!stillRebuilding()) {
            return CompletableFuture.completedFuture(null);
        }
        Member source = chooseSource(unreadable);
        if (source == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(unreadable.isEmpty()
                    ? "no healthy replica to copy from"
                    : "the rebuilding replica's pool could not read any healthy replica: " + unreadable));
        }
        return copier.copy(offset, length, source, List.of(member)).handle((ok, failure) -> {
            if (failure == null) {
                return CompletableFuture.<Void>completedFuture(null);
            }
            if (Failures.cause(failure) instanceof CopyFailure copy && copy.atSource()) {
                List<Member> tried = new ArrayList<>(unreadable);
                tried.add(source);
                return copyWindow(offset, length, tried);
            }
            return CompletableFuture.<Void>failedFuture(failure);
        }).thenCompose(step -> step);
    }

    private Member chooseSource(List<Member> unreadable) {
        return writeSet.healthy().stream().filter(candidate -> !unreadable.contains(candidate))
                .min(Comparator.comparingInt(Member::outstanding)).orElse(null);
    }

    private void windowDone(long length, Throwable failure) {
        if (failure == null && stillRebuilding()) {
            copied.addAndGet(length);
            report();
        }
        boolean last;
        synchronized (this) {
            running--;
            if (failure != null && !failed) {
                failed = true;
                fail(failure);
            }
            next();
            last = running == 0;
        }
        if (last && !failed) {
            complete();
        }
    }

    private void complete() {
        if (!stillRebuilding()) {
            finished.completeExceptionally(new IllegalStateException(member + " left during its rebuild"));
            return;
        }
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info("rebuild copied everything: {} {} {} {} {}", kv("volume", writeSet.volume()),
                kv("replica", member.toString()), kv("delta", delta), kv("copiedBytes", copied.get()),
                kv("millis", millis));
        // Durable before it counts: promoted with its copy still in the page cache, a replica whose
        // node lost power would come back at the newest epoch without the data it was given.
        long epoch;
        synchronized (writeSet) {
            epoch = writeSet.epoch();
        }
        client.flush(epoch, -1).whenComplete((flushed, flushFailure) -> {
            if (flushFailure != null) {
                fail(flushFailure);
                return;
            }
            writeSet.changeEpoch(member, client).whenComplete((ok, failure) -> {
                if (failure != null) {
                    finished.completeExceptionally(failure);
                } else if (!promoted()) {
                    finished.completeExceptionally(new IllegalStateException(member + " left before it was promoted"));
                } else {
                    finished.complete(null);
                }
            });
        });
    }

    private void fail(Throwable failure) {
        Throwable cause = Failures.cause(failure);
        String reason = "rebuild failed: " + Failures.describe(failure);
        LOG.warn("rebuild failed: {} {} {}", kv("volume", writeSet.volume()), kv("replica", member.toString()),
                kv("reason", reason));
        writeSet.eject(member, client, reason); // it reconnects and starts over
        finished.completeExceptionally(cause);
    }

    private boolean promoted() {
        return connectedAs(MemberMode.HEALTHY);
    }

    private boolean stillRebuilding() {
        return connectedAs(MemberMode.REBUILDING);
    }

    /** Whether the member is still connected through this rebuild's connection, and in {@code mode}. */
    private boolean connectedAs(MemberMode mode) {
        synchronized (writeSet) {
            return member.client() == client && member.mode() == mode;
        }
    }

    /** Tells the status how far it got, unless the replica left meanwhile (a rebuild that started over reports its own). */
    private void report() {
        synchronized (writeSet) {
            if (stillRebuilding()) {
                member.rebuild(new RebuildProgress(totalBytes, copied.get(), delta, startedMillis, 0));
            }
        }
    }

    private static Queue<long[]> fullWindows(long size) {
        Queue<long[]> windows = new ArrayDeque<>();
        for (long offset = 0; offset < size; offset += WINDOW_BYTES) {
            windows.add(new long[] {offset, Math.min(WINDOW_BYTES, size - offset)});
        }
        return windows;
    }

    /** Runs of dirty regions, cut to windows and to the volume's size. */
    private static Queue<long[]> deltaWindows(RoaringBitmap regions, long size) {
        Queue<long[]> windows = new ArrayDeque<>();
        long regionsPerWindow = WINDOW_BYTES / WriteRegions.REGION_BYTES;
        long region = regions.nextValue(0);
        while (region >= 0) {
            long runEnd = regions.nextAbsentValue((int) region);
            for (long start = region; start < runEnd; start += regionsPerWindow) {
                long offset = start * WriteRegions.REGION_BYTES;
                long end = Math.min(Math.min(runEnd, start + regionsPerWindow) * WriteRegions.REGION_BYTES, size);
                if (end > offset) {
                    windows.add(new long[] {offset, end - offset});
                }
            }
            region = runEnd >= (1L << 32) - 1 ? -1 : regions.nextValue((int) runEnd);
        }
        return windows;
    }
}
