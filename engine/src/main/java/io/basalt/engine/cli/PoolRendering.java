package io.basalt.engine.cli;

import static io.basalt.engine.cli.StatusRendering.JSON;
import static io.basalt.engine.cli.StatusRendering.binary;
import static io.basalt.engine.cli.StatusRendering.line;
import static io.basalt.engine.cli.StatusRendering.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.basalt.engine.management.v1.ListReplicasResponse;
import io.basalt.engine.management.v1.PoolStatusResponse;
import io.basalt.engine.management.v1.ReplicaChecksumResponse;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.engine.management.v1.SnapshotDetails;
import java.time.Instant;
import java.util.Locale;

/** How {@code ctl --pool} shows a pool server's answers: aligned text for people, JSON for scripts. */
final class PoolRendering {

    private PoolRendering() {
    }

    static String text(PoolStatusResponse status) {
        StringBuilder out = new StringBuilder();
        line(out, "Pool", status.getDirectory());
        line(out, "Health", status.getHealth() + " (" + status.getHealthReason() + ")");
        line(out, "Capacity", status.getCapacityBytes() + " bytes (" + binary(status.getCapacityBytes()) + ")");
        line(out, "Used", status.getUsedBytes() + " bytes (" + binary(status.getUsedBytes()) + ")");
        line(out, "Free", status.getFreeBytes() + " bytes (" + binary(status.getFreeBytes()) + ")");
        line(out, "Replicas", Integer.toString(status.getReplicaCount()));
        return out.toString().stripTrailing();
    }

    static String json(PoolStatusResponse status) {
        return write(JSON.createObjectNode()
                .put("directory", status.getDirectory())
                .put("capacityBytes", status.getCapacityBytes())
                .put("usedBytes", status.getUsedBytes())
                .put("freeBytes", status.getFreeBytes())
                .put("replicaCount", status.getReplicaCount())
                .put("health", status.getHealth().name())
                .put("healthReason", status.getHealthReason()));
    }

    static String text(ListReplicasResponse list) {
        if (list.getReplicasCount() == 0) {
            return "No replicas";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-30s %14s %12s %8s %12s  %s%n",
                "NAME", "SIZE", "USED", "EPOCH", "CONSISTENT", "SNAPSHOTS"));
        for (ReplicaInfo replica : list.getReplicasList()) {
            out.append(String.format(Locale.ROOT, "%-30s %14s %12s %8d %12d  %s%n", replica.getName(),
                    binary(replica.getSizeBytes()), binary(replica.getUsedBytes()), replica.getEpoch(),
                    replica.getConsistentThrough(), String.join(",", replica.getSnapshotsList().stream()
                            .map(SnapshotDetails::getName).toList())));
        }
        return out.toString().stripTrailing();
    }

    static String json(ListReplicasResponse list) {
        ObjectNode root = JSON.createObjectNode();
        var replicas = root.putArray("replicas");
        list.getReplicasList().forEach(replica -> replicas.add(node(replica)));
        return write(root);
    }

    static String text(ReplicaInfo replica) {
        StringBuilder out = new StringBuilder();
        line(out, "Replica", replica.getName());
        line(out, "Size", replica.getSizeBytes() + " bytes (" + binary(replica.getSizeBytes()) + ")");
        line(out, "Used", replica.getUsedBytes() + " bytes (" + binary(replica.getUsedBytes()) + ")");
        line(out, "Epoch", Long.toString(replica.getEpoch()));
        line(out, "Snapshots", Integer.toString(replica.getSnapshotsCount()));
        for (SnapshotDetails snapshot : replica.getSnapshotsList()) {
            out.append(String.format(Locale.ROOT, "  %s  %s  %s used%n", snapshot.getName(),
                    Instant.ofEpochMilli(snapshot.getCreatedMillis()), binary(snapshot.getUsedBytes())));
        }
        return out.toString().stripTrailing();
    }

    static String json(ReplicaInfo replica) {
        return write(node(replica));
    }

    static String text(ReplicaChecksumResponse checksum) {
        return checksum.getCrc32C() + "  " + checksum.getName() + " (" + checksum.getSizeBytes() + " bytes, CRC32C)";
    }

    static String json(ReplicaChecksumResponse checksum) {
        return write(JSON.createObjectNode()
                .put("name", checksum.getName())
                .put("sizeBytes", checksum.getSizeBytes())
                .put("crc32c", checksum.getCrc32C()));
    }

    private static ObjectNode node(ReplicaInfo replica) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", replica.getName())
                .put("sizeBytes", replica.getSizeBytes())
                .put("usedBytes", replica.getUsedBytes())
                .put("epoch", replica.getEpoch())
                .put("consistentThrough", replica.getConsistentThrough());
        var snapshots = node.putArray("snapshots");
        for (SnapshotDetails snapshot : replica.getSnapshotsList()) {
            snapshots.addObject()
                    .put("name", snapshot.getName())
                    .put("created", Instant.ofEpochMilli(snapshot.getCreatedMillis()).toString())
                    .put("sizeBytes", snapshot.getSizeBytes())
                    .put("usedBytes", snapshot.getUsedBytes());
        }
        return node;
    }
}
