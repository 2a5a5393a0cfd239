package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replication.ReplicatedBlockDevice.SnapshotTaken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot request, run while the volume's writes are held and flushed: it snapshots every
 * healthy replica, unless some of them already hold a snapshot of that name. Then the request is a
 * repeat and changes nothing: a replica that lacks the snapshot (it was rebuilding or away when it
 * was taken) took writes since, and a snapshot of its content now would differ from the others'
 * under the same name, so clones of it would differ from pool to pool.
 */
final class DrainedSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(DrainedSnapshot.class);

    private final WriteSet writeSet;
    private final String name;
    private final List<SnapshotTaken.Missing> missing = Collections.synchronizedList(new ArrayList<>());
    private List<Member> healthy;
    private long epoch;

    private DrainedSnapshot(WriteSet writeSet, String name) {
        this.writeSet = writeSet;
        this.name = name;
    }

    /** Snapshots the volume as {@code name}, or finds the snapshot taken under that name before. */
    static CompletableFuture<SnapshotTaken> run(WriteSet writeSet, String name) {
        return new DrainedSnapshot(writeSet, name).run();
    }

    private CompletableFuture<SnapshotTaken> run() {
        synchronized (writeSet) {
            healthy = writeSet.healthy();
            epoch = writeSet.epoch();
            for (Member member : writeSet.members()) {
                if (!healthy.contains(member)) {
                    missing.add(new SnapshotTaken.Missing(member.endpoint(), member.mode() == MemberMode.REBUILDING
                            ? "rebuilding: its copy of the volume was not complete"
                            : "offline: " + member.reason()));
                }
            }
        }
        Map<Member, CompletableFuture<Message.SnapshotHeld>> asked = new LinkedHashMap<>();
        for (Member member : healthy) {
            asked.put(member, failureMakesMissing(member, member.client(),
                    client -> client.snapshotHeld(name), "cannot tell whether it holds the snapshot"));
        }
        return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenCompose(all -> {
            Map<Member, Message.SnapshotHeld> answers = new LinkedHashMap<>();
            asked.forEach((member, answer) -> {
                if (answer.join() != null) {
                    answers.put(member, answer.join());
                }
            });
            return answers.values().stream().anyMatch(Message.SnapshotHeld::held)
                    ? CompletableFuture.completedFuture(takenBefore(answers))
                    : take(List.copyOf(answers.keySet()));
        });
    }

    private CompletableFuture<SnapshotTaken> take(List<Member> members) {
        List<CompletableFuture<Boolean>> taken = new ArrayList<>();
        for (Member member : members) {
            taken.add(failureMakesMissing(member, member.client(),
                    client -> client.snapshot(name, epoch).thenApply(done -> true), "snapshot failed"));
        }
        return CompletableFuture.allOf(taken.toArray(CompletableFuture[]::new)).thenApply(all -> {
            List<ReplicaEndpoint> holders = new ArrayList<>();
            for (int i = 0; i < members.size(); i++) {
                if (taken.get(i).join() != null) {
                    holders.add(members.get(i).endpoint());
                }
            }
            requireConsistencyFactor(holders, "reached only");
            if (missing.isEmpty()) {
                LOG.info("volume snapshot taken: {} {} {}", kv("volume", writeSet.volume()), kv("snapshot", name),
                        kv("replicas", names(holders)));
            } else {
                LOG.warn("volume snapshot taken without some replicas: {} {} {} {}", kv("volume", writeSet.volume()),
                        kv("snapshot", name), kv("replicas", names(holders)), kv("missing", missingNames()));
            }
            return new SnapshotTaken(name, holders, List.copyOf(missing), System.currentTimeMillis());
        });
    }

    /** The answer to a repeated request: who holds the snapshot, and since when. */
    private SnapshotTaken takenBefore(Map<Member, Message.SnapshotHeld> answers) {
        List<ReplicaEndpoint> holders = new ArrayList<>();
        long createdMillis = Long.MAX_VALUE;
        for (var answer : answers.entrySet()) {
            if (answer.getValue().held()) {
                holders.add(answer.getKey().endpoint());
                createdMillis = Math.min(createdMillis, answer.getValue().createdMillis());
            } else {
                missing.add(new SnapshotTaken.Missing(answer.getKey().endpoint(), "not among the replicas that took "
                        + "it earlier; its content has changed since"));
            }
        }
        requireConsistencyFactor(holders, "was taken earlier and is held by only");
        LOG.info("volume snapshot asked for again; already taken: {} {} {} {}", kv("volume", writeSet.volume()),
                kv("snapshot", name), kv("replicas", names(holders)), kv("missing", missingNames()));
        return new SnapshotTaken(name, holders, List.copyOf(missing), createdMillis);
    }

    /**
     * Sends {@code request} to {@code member} through {@code client}; a failure completes it with null,
     * names the member among those missing the snapshot, and takes it out of the write set.
     */
    private <T> CompletableFuture<T> failureMakesMissing(Member member, ReplicaClient client,
            Function<ReplicaClient, CompletableFuture<T>> request, String what) {
        return request.apply(client).handle((answer, failure) -> {
            if (failure == null) {
                return answer;
            }
            String reason = what + ": " + Failures.describe(failure);
            missing.add(new SnapshotTaken.Missing(member.endpoint(), reason));
            writeSet.eject(member, client, reason);
            return null;
        });
    }

    private void requireConsistencyFactor(List<ReplicaEndpoint> holders, String saying) {
        if (holders.size() < writeSet.consistencyFactor()) {
            throw new ReplicationRequestException.Refused("snapshot " + name + " " + saying + " " + holders + "; "
                    + writeSet.consistencyFactor() + " needed");
        }
    }

    private static List<String> names(List<ReplicaEndpoint> replicas) {
        return replicas.stream().map(ReplicaEndpoint::toString).toList();
    }

    private List<String> missingNames() {
        synchronized (missing) {
            return missing.stream().map(lacking -> lacking.replica() + ": " + lacking.reason()).toList();
        }
    }
}
