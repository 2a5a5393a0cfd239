package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the volume on its replicas. Only replicas of the newest epoch are trusted, and enough of
 * them must answer to hold every write acknowledged in that epoch (see {@link StartupQuorum}; else
 * it waits and tries again). Fewer than CF may be enough: reads are served at once, writes once
 * rebuilt replicas bring the write set back to CF. Among the trusted, the writes that were under
 * way when the previous target stopped may have reached some replicas and not others: every region a
 * trusted replica wrote since its last consistent mark is copied from the replica that wrote it last
 * into the others before anything is served. When a trusted replica cannot say what it wrote (its
 * pool restarted since its mark), their content is compared instead (see {@link ContentReconciler}),
 * which tells the acknowledged writes only when each is on more than half of those compared: with
 * fewer, it waits for more of the write set to answer.
 * Replicas of older epochs rebuild online afterwards. A volume that lost every healthy replica
 * while it served opens again the same way, but trusts no replica older than the newest epoch one
 * of them persisted while it served: an older one may lack writes acknowledged since.
 */
final class VolumeStartup {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeStartup.class);
    private static final int PARALLEL_COPIES = 32;

    private final WriteSet writeSet;
    private final Reconnector reconnector;
    private final RegionCopier copier;
    private final MemberJoiner joiner;
    private final ReplicationSettings settings;
    private volatile String waitingFor = "connecting to the replicas";

    VolumeStartup(WriteSet writeSet, Reconnector reconnector, RegionCopier copier, MemberJoiner joiner,
            ReplicationSettings settings) {
        this.writeSet = writeSet;
        this.reconnector = reconnector;
        this.copier = copier;
        this.joiner = joiner;
        this.settings = settings;
    }

    /** Why the volume is not open yet. */
    String waitingFor() {
        return waitingFor;
    }

    /** Blocks until the volume is open; tries again while too few trusted replicas answer. */
    void run() throws InterruptedException {
        long persisted = writeSet.members().stream().mapToLong(Member::persistedEpoch).max().orElse(-1);
        long backoffMillis = settings.reconnectBackoff().toMillis();
        while (!attempt(persisted)) {
            Thread.sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, settings.maxReconnectBackoff().toMillis());
        }
        waitingFor = null;
    }

    /** Why the volume cannot open on {@code trusted} replicas of {@code newestEpoch}, or null when it can. */
    private static String whyNotYet(long persisted, long newestEpoch, int trusted, StartupQuorum quorum) {
        if (newestEpoch < persisted) {
            return "waiting for a replica of epoch " + persisted + ", the newest the volume persisted; those that "
                    + "answer are of epoch " + newestEpoch + " at most";
        }
        if (trusted == 0 || trusted < quorum.needed()) {
            return "waiting for replicas: " + trusted + " of the newest epoch " + newestEpoch + " answer, "
                    + quorum.needed() + " needed (" + quorum.describe() + ")";
        }
        return null;
    }

    /** {@code persisted}: the newest epoch this volume saw a replica persist, or -1 before it first opened. */
    private boolean attempt(long persisted) {
        Map<Member, ReplicaClient> connected = connectAll();
        long newestEpoch = connected.values().stream().mapToLong(client -> client.state().epoch()).max().orElse(-1);
        List<Member> trusted = connected.keySet().stream()
                .filter(member -> connected.get(member).state().epoch() == newestEpoch).toList();
        StartupQuorum quorum = StartupQuorum.of(trusted.stream().map(member -> connected.get(member).state()).toList(),
                writeSet.consistencyFactor());
        String notYet = whyNotYet(persisted, newestEpoch, trusted.size(), quorum);
        if (notYet != null) {
            waitingFor = notYet + "; " + describe();
            LOG.warn("volume cannot open yet: {} {}", kv("volume", writeSet.volume()), kv("reason", waitingFor));
            connected.values().forEach(ReplicaClient::closeAsync);
            return false;
        }
        try {
            open(connected, trusted, newestEpoch, quorum);
            return true;
        } catch (TooFewToCompare e) {
            waitingFor = e.getMessage() + "; " + describe();
            LOG.warn("volume cannot open yet: {} {}", kv("volume", writeSet.volume()), kv("reason", waitingFor));
            connected.values().forEach(ReplicaClient::closeAsync);
            return false;
        } catch (CompletionException | IllegalStateException e) {
            waitingFor = "reconciling the replicas failed: " + Failures.describe(e);
            LOG.warn("volume cannot open yet: {} {}", kv("volume", writeSet.volume()), kv("reason", waitingFor));
            synchronized (writeSet) {
                writeSet.members().forEach(member -> {
                    ReplicaClient client = member.detach();
                    member.become(MemberMode.OFFLINE, "start-up retried");
                    if (client != null) {
                        client.closeAsync();
                    }
                });
            }
            connected.values().forEach(ReplicaClient::closeAsync);
            return false;
        }
    }

    private void open(Map<Member, ReplicaClient> connected, List<Member> trusted, long newestEpoch,
            StartupQuorum quorum) {
        Map<Member, Message.WrittenRegions> logs = new LinkedHashMap<>();
        for (Member member : trusted) {
            logs.put(member, writtenRegions(connected.get(member)));
        }
        boolean allComplete = trusted.stream().allMatch(member -> logs.get(member).complete());
        int holders = quorum.holdersAmong(trusted.size());
        // with the whole write set of the epoch answering, nothing more can come: the best guess it is
        if (!allComplete && 2 * holders <= trusted.size() && trusted.size() < quorum.setSize()) {
            throw new TooFewToCompare("waiting for replicas: some of the " + trusted.size() + " of the newest epoch "
                    + newestEpoch + " that answer cannot list their recent writes (their pools restarted), and "
                    + "comparing their content tells the acknowledged writes only when those are on more than half "
                    + "of them, but they may be on only " + holders);
        }
        long size = trusted.stream().mapToLong(member -> connected.get(member).state().sizeBytes()).min().orElseThrow();
        long sequence = 0;
        for (Member member : connected.keySet()) {
            sequence = Math.max(sequence, connected.get(member).state().consistentThrough());
        }
        for (Message.WrittenRegions log : logs.values()) {
            for (long written : log.sequences()) {
                sequence = Math.max(sequence, written);
            }
        }
        writeSet.holdForReconciliation(); // a reopening volume serves: not from replicas that may still differ
        try {
            synchronized (writeSet) {
                writeSet.size(size);
                writeSet.epoch(newestEpoch);
                writeSet.openAt(sequence);
                for (Member member : trusted) {
                    member.attach(connected.get(member), writeSet.unflushed().lastFlush());
                    member.persistedEpoch(newestEpoch);
                    member.become(MemberMode.HEALTHY, "trusted at start-up (epoch " + newestEpoch + ")");
                }
            }
            if (allComplete) {
                reconcile(trusted, logs, size);
            } else {
                List<String> unlisted = trusted.stream().filter(member -> !logs.get(member).complete())
                        .map(Member::toString).toList();
                LOG.warn("replicas cannot list their writes since their last mark (their pools restarted); "
                        + "comparing content: {} {}", kv("volume", writeSet.volume()), kv("replicas", unlisted));
                Map<Member, Long> marks = new HashMap<>();
                trusted.forEach(member -> marks.put(member, connected.get(member).state().consistentThrough()));
                new ContentReconciler(writeSet, holders, step -> waitingFor = "reconciling "
                        + unlisted + " (they cannot list their recent writes): " + step)
                        .reconcile(trusted, logs, marks, size, newestEpoch, sequence);
            }
            writeSet.changeEpoch(null, null).join();
        } finally {
            writeSet.reconciliationOver();
        }
        LOG.info("volume open: {} {} {} {}", kv("volume", writeSet.volume()), kv("sizeBytes", size),
                kv("epoch", writeSet.epoch()), kv("healthy", trusted.stream().map(Member::name).toList()));
        for (Member member : writeSet.members()) {
            ReplicaClient client = connected.get(member);
            if (trusted.contains(member)) {
                continue;
            }
            if (client == null) {
                reconnector.retry(member);
            } else {
                joiner.join(member, client);
            }
        }
    }

    /** Content comparison cannot tell which writes were acknowledged: more replicas must answer. */
    private static final class TooFewToCompare extends RuntimeException {
        TooFewToCompare(String message) {
            super(message);
        }
    }

    /** Copies every region some trusted replica wrote since its mark from the one that wrote it last. */
    private void reconcile(List<Member> known, Map<Member, Message.WrittenRegions> logs, long size) {
        Map<Long, Map<Member, Long>> regions = new HashMap<>();
        for (Member member : known) {
            Message.WrittenRegions log = logs.get(member);
            for (int i = 0; i < log.regions().length; i++) {
                regions.computeIfAbsent(log.regions()[i], region -> new HashMap<>()).put(member, log.sequences()[i]);
            }
        }
        List<CompletableFuture<Void>> copies = new ArrayList<>();
        long copiedRegions = 0;
        for (var entry : regions.entrySet()) {
            Map<Member, Long> written = entry.getValue();
            Member newest = written.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            long newestSequence = written.get(newest);
            List<Member> behind = known.stream()
                    .filter(member -> written.getOrDefault(member, Long.MIN_VALUE) < newestSequence).toList();
            long offset = entry.getKey() * WriteRegions.REGION_BYTES;
            if (behind.isEmpty() || offset >= size) {
                continue;
            }
            copies.add(copier.copy(offset, Math.min(WriteRegions.REGION_BYTES, size - offset), newest, behind));
            copiedRegions++;
            if (copies.size() == PARALLEL_COPIES) {
                CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).join();
                copies.clear();
            }
        }
        CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).join();
        LOG.info("replicas reconciled: {} {} {}", kv("volume", writeSet.volume()), kv("regionsWritten", regions.size()),
                kv("regionsCopied", copiedRegions));
    }

    private Message.WrittenRegions writtenRegions(ReplicaClient client) {
        List<Long> regions = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        boolean complete = true;
        long from = 0;
        while (from >= 0) {
            Message.WrittenRegions page = client.writtenRegions(from).join();
            complete &= page.complete();
            for (int i = 0; i < page.regions().length; i++) {
                regions.add(page.regions()[i]);
                sequences.add(page.sequences()[i]);
            }
            from = page.nextRegion();
        }
        return new Message.WrittenRegions(complete, regions.stream().mapToLong(Long::longValue).toArray(),
                sequences.stream().mapToLong(Long::longValue).toArray(), -1);
    }

    /**
     * Connects to every replica afresh. Opening again, a replica still attached (one that was
     * rebuilding when the volume lost its healthy ones) lets go of its old connection first, and so
     * of its rebuild: attached, it could neither be trusted nor join again.
     */
    private Map<Member, ReplicaClient> connectAll() {
        Map<Member, CompletableFuture<ReplicaClient>> attempts = new LinkedHashMap<>();
        for (Member member : writeSet.members()) {
            ReplicaClient old;
            synchronized (writeSet) {
                old = member.client();
            }
            writeSet.eject(member, old, "the volume opens again");
            attempts.put(member, reconnector.connect(member));
        }
        Map<Member, ReplicaClient> connected = new LinkedHashMap<>();
        attempts.forEach((member, attempt) -> {
            try {
                connected.put(member, attempt.join());
                synchronized (writeSet) {
                    member.persistedEpoch(connected.get(member).state().epoch());
                    member.become(MemberMode.OFFLINE, "connected; waiting for the volume to open");
                }
            } catch (CompletionException e) {
                synchronized (writeSet) {
                    member.become(MemberMode.OFFLINE, "cannot connect: " + Failures.describe(e));
                }
            }
        });
        return connected;
    }

    private String describe() {
        StringBuilder text = new StringBuilder();
        for (Member member : writeSet.members()) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            text.append(member.name()).append(" epoch ").append(member.persistedEpoch()).append(" (")
                    .append(member.reason()).append(')');
        }
        return text.toString();
    }
}
