package io.basalt.engine.cli;

import static io.basalt.engine.cli.StatusRendering.JSON;
import static io.basalt.engine.cli.StatusRendering.binary;
import static io.basalt.engine.cli.StatusRendering.line;
import static io.basalt.engine.cli.StatusRendering.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicaWithoutSnapshot;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@code ctl --target} shows a replicated volume: its replicas as a table (mode, epoch, lag,
 * response time, rebuild progress) for people, and the same as JSON for scripts.
 */
final class ReplicatedRendering {

    private static final String ROW = "  %-24s %-21s %-10s %6s %8s %10s  %-28s %s%n";

    private ReplicatedRendering() {
    }

    /** The backend lines and the replica table of {@code ctl status}. */
    static void appendText(StringBuilder out, ReplicatedBackend backend) {
        line(out, "Backend", "replicated volume " + backend.getVolume() + ", RF " + backend.getReplicationFactor()
                + ", CF " + backend.getConsistencyFactor() + ", epoch " + backend.getEpoch() + ", sequence "
                + backend.getSequence());
        line(out, "Replicas", Integer.toString(backend.getReplicasCount()));
        if (backend.getReplicasCount() > 0) {
            out.append(String.format(Locale.ROOT, ROW, "NAME", "ADDRESS", "MODE", "EPOCH", "LAG", "RESPONSE",
                    "REBUILD", "REASON"));
            backend.getReplicasList().forEach(replica -> out.append(row(replica)));
            backend.getReplicasList().stream().filter(ReplicaStatus::hasLastRebuild).forEach(replica ->
                    line(out, "Last rebuild", replica.getName() + "@" + replica.getAddress() + ": "
                            + finished(replica.getLastRebuild())));
        }
    }

    static ObjectNode json(ReplicatedBackend backend) {
        ObjectNode node = JSON.createObjectNode()
                .put("volume", backend.getVolume())
                .put("replicationFactor", backend.getReplicationFactor())
                .put("consistencyFactor", backend.getConsistencyFactor())
                .put("epoch", backend.getEpoch())
                .put("sequence", backend.getSequence());
        var replicas = node.putArray("replicas");
        backend.getReplicasList().forEach(replica -> replicas.add(node(replica)));
        return node;
    }

    static String text(SnapshotVolumeResponse snapshot) {
        StringBuilder out = new StringBuilder("Snapshot " + snapshot.getSnapshot() + " taken at "
                + Instant.ofEpochMilli(snapshot.getCreatedMillis()) + " on " + snapshot.getHoldersCount()
                + " replicas: " + snapshot.getHoldersList().stream()
                        .map(holder -> holder.getName() + "@" + holder.getAddress()).collect(Collectors.joining(", ")));
        for (ReplicaWithoutSnapshot missing : snapshot.getMissingList()) {
            out.append(System.lineSeparator()).append("  without it: ").append(missing.getName()).append('@')
                    .append(missing.getAddress()).append(" (").append(missing.getReason()).append(')');
        }
        return out.toString();
    }

    static String json(SnapshotVolumeResponse snapshot) {
        ObjectNode node = JSON.createObjectNode()
                .put("snapshot", snapshot.getSnapshot())
                .put("created", Instant.ofEpochMilli(snapshot.getCreatedMillis()).toString());
        var holders = node.putArray("replicas");
        snapshot.getHoldersList().forEach(holder -> holders.addObject()
                .put("name", holder.getName()).put("address", holder.getAddress()));
        var missing = node.putArray("missing");
        snapshot.getMissingList().forEach(lacking -> missing.addObject().put("name", lacking.getName())
                .put("address", lacking.getAddress()).put("reason", lacking.getReason()));
        return write(node);
    }

    static String text(AddReplicaResponse added) {
        ReplicaStatus replica = added.getReplica();
        return "Added replica " + replica.getName() + "@" + replica.getAddress() + ": " + mode(replica.getMode())
                + (replica.getReason().isEmpty() ? "" : " (" + replica.getReason() + ")");
    }

    static String json(AddReplicaResponse added) {
        return write(node(added.getReplica()));
    }

    /** The mode without the enum's prefix: HEALTHY, REBUILDING, OFFLINE. */
    static String mode(ReplicaMode mode) {
        return mode.name().replaceFirst("^REPLICA_", "");
    }

    private static String row(ReplicaStatus replica) {
        return String.format(Locale.ROOT, ROW, replica.getName(), replica.getAddress(), mode(replica.getMode()),
                replica.getEpoch(), replica.getLag(), String.format(Locale.ROOT, "%.1f ms", replica.getResponseMillis()),
                replica.hasRebuild() ? progress(replica.getRebuild()) : "-", reason(replica));
    }

    private static String reason(ReplicaStatus replica) {
        if (!replica.getReadsSpared()) {
            return replica.getReason();
        }
        String spared = "reads spared: much slower than the others";
        return replica.getReason().isEmpty() ? spared : replica.getReason() + "; " + spared;
    }

    /** For example {@code 37% of 64.0 MiB (delta)}: how far the rebuild is through what it has to look at. */
    static String progress(RebuildProgress rebuild) {
        long percent = rebuild.getTotalBytes() == 0 ? 100 : rebuild.getCopiedBytes() * 100 / rebuild.getTotalBytes();
        return percent + "% of " + binary(rebuild.getTotalBytes()) + (rebuild.getDelta() ? " (delta)" : " (full)");
    }

    /** For example {@code copied 1.0 MiB of 1.0 MiB (delta) in 0.4 s, finished 2025-...}. */
    static String finished(RebuildProgress rebuild) {
        double seconds = (rebuild.getFinishedMillis() - rebuild.getStartedMillis()) / 1000.0;
        return String.format(Locale.ROOT, "copied %s of %s%s in %.1f s, finished %s", binary(rebuild.getCopiedBytes()),
                binary(rebuild.getTotalBytes()), rebuild.getDelta() ? " (delta)" : " (full)", seconds,
                Instant.ofEpochMilli(rebuild.getFinishedMillis()));
    }

    private static ObjectNode node(ReplicaStatus replica) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", replica.getName())
                .put("address", replica.getAddress())
                .put("mode", mode(replica.getMode()))
                .put("reason", replica.getReason())
                .put("lag", replica.getLag())
                .put("epoch", replica.getEpoch())
                .put("responseMillis", replica.getResponseMillis())
                .put("readsSpared", replica.getReadsSpared());
        if (replica.hasRebuild()) {
            progressNode(node.putObject("rebuild"), replica.getRebuild());
        }
        if (replica.hasLastRebuild()) {
            progressNode(node.putObject("lastRebuild"), replica.getLastRebuild())
                    .put("finished", Instant.ofEpochMilli(replica.getLastRebuild().getFinishedMillis()).toString());
        }
        return node;
    }

    private static ObjectNode progressNode(ObjectNode node, RebuildProgress rebuild) {
        return node.put("totalBytes", rebuild.getTotalBytes())
                .put("copiedBytes", rebuild.getCopiedBytes())
                .put("delta", rebuild.getDelta())
                .put("started", Instant.ofEpochMilli(rebuild.getStartedMillis()).toString());
    }
}
