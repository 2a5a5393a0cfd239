package io.basalt.engine.replica.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything durable about a replica apart from its layers' contents: size, epoch, the sequence
 * number through which it is consistent, its writable (head) layer and its snapshots, oldest
 * first. Replaced atomically as a whole; its rename is the commit point of every change.
 */
record ReplicaManifest(long size, long epoch, long consistentThrough, String head, List<SnapshotRecord> snapshots) {

    ReplicaManifest {
        snapshots = List.copyOf(snapshots);
    }

    /** A snapshot: the frozen layer holding the replica's content when it was taken. */
    record SnapshotRecord(String name, String layer, long createdMillis, long size) {
    }

    Optional<SnapshotRecord> snapshot(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    ReplicaManifest withSize(long newSize) {
        return new ReplicaManifest(newSize, epoch, consistentThrough, head, snapshots);
    }

    ReplicaManifest withEpoch(long newEpoch) {
        return new ReplicaManifest(size, newEpoch, consistentThrough, head, snapshots);
    }

    ReplicaManifest withConsistentThrough(long sequence) {
        return new ReplicaManifest(size, epoch, sequence, head, snapshots);
    }

    ReplicaManifest withSnapshot(SnapshotRecord snapshot, String newHead) {
        List<SnapshotRecord> more = new ArrayList<>(snapshots);
        more.add(snapshot);
        return new ReplicaManifest(size, epoch, consistentThrough, newHead, more);
    }

    ReplicaManifest withoutSnapshot(String name) {
        List<SnapshotRecord> fewer = new ArrayList<>(snapshots);
        fewer.removeIf(s -> s.name().equals(name));
        return new ReplicaManifest(size, epoch, consistentThrough, head, fewer);
    }

    byte[] encode() {
        Map<String, String> entries = new HashMap<>();
        entries.put("size", Long.toString(size));
        entries.put("epoch", Long.toString(epoch));
        entries.put("consistentThrough", Long.toString(consistentThrough));
        entries.put("head", head);
        entries.put("snapshots", Integer.toString(snapshots.size()));
        for (int i = 0; i < snapshots.size(); i++) {
            SnapshotRecord snapshot = snapshots.get(i);
            String prefix = String.format("snapshot.%04d.", i);
            entries.put(prefix + "name", snapshot.name());
            entries.put(prefix + "layer", snapshot.layer());
            entries.put(prefix + "created", Long.toString(snapshot.createdMillis()));
            entries.put(prefix + "size", Long.toString(snapshot.size()));
        }
        return MetadataText.encode(entries);
    }

    static ReplicaManifest decode(byte[] content, String source) throws CorruptMetadataException {
        MetadataText text = MetadataText.parse(content, source);
        long count = text.number("snapshots");
        List<SnapshotRecord> snapshots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String prefix = String.format("snapshot.%04d.", i);
            snapshots.add(new SnapshotRecord(text.text(prefix + "name"), text.text(prefix + "layer"),
                    text.number(prefix + "created"), text.number(prefix + "size")));
        }
        return new ReplicaManifest(text.number("size"), text.number("epoch"), text.number("consistentThrough"),
                text.text("head"), snapshots);
    }
}
