package io.basalt.engine.replica.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything durable about a replica apart from its layers' contents: size, epoch and the write
 * set it was given with, the sequence number through which it is consistent, whether anything was
 * written since that mark, its writable (head) layer and its snapshots, oldest first. Replaced
 * atomically as a whole; its rename is the commit point of every change.
 */
record ReplicaManifest(long size, long epoch, EpochQuorum epochQuorum, long consistentThrough,
                       boolean writtenSinceMark, String writtenInBoot, String head, List<SnapshotRecord> snapshots) {

    ReplicaManifest {
        snapshots = List.copyOf(snapshots);
    }

    /** A new replica (or clone): epoch 0, nothing written. */
    static ReplicaManifest fresh(long size, String head) {
        return new ReplicaManifest(size, 0, EpochQuorum.UNKNOWN, 0, false, "", head, List.of());
    }

    /** A snapshot: the frozen layer holding the replica's content when it was taken. */
    record SnapshotRecord(String name, String layer, long createdMillis, long size) {
    }

    Optional<SnapshotRecord> snapshot(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    ReplicaManifest withSize(long newSize) {
        return new ReplicaManifest(newSize, epoch, epochQuorum, consistentThrough, writtenSinceMark, writtenInBoot,
                head, snapshots);
    }

    ReplicaManifest withEpoch(long newEpoch, EpochQuorum quorum) {
        return new ReplicaManifest(size, newEpoch, quorum, consistentThrough, writtenSinceMark, writtenInBoot, head,
                snapshots);
    }

    ReplicaManifest withMark(long sequence, boolean writtenSince) {
        return new ReplicaManifest(size, epoch, epochQuorum, sequence, writtenSince, writtenSince ? writtenInBoot : "",
                head, snapshots);
    }

    /** Changed since the mark, in the machine's boot {@code boot}: see {@link ReplicaPool#open(java.nio.file.Path, String)}. */
    ReplicaManifest withWrittenSinceMark(String boot) {
        return new ReplicaManifest(size, epoch, epochQuorum, consistentThrough, true, boot, head, snapshots);
    }

    ReplicaManifest withSnapshot(SnapshotRecord snapshot, String newHead) {
        List<SnapshotRecord> more = new ArrayList<>(snapshots);
        more.add(snapshot);
        return new ReplicaManifest(size, epoch, epochQuorum, consistentThrough, writtenSinceMark, writtenInBoot,
                newHead, more);
    }

    ReplicaManifest withoutSnapshot(String name) {
        List<SnapshotRecord> fewer = new ArrayList<>(snapshots);
        fewer.removeIf(s -> s.name().equals(name));
        return new ReplicaManifest(size, epoch, epochQuorum, consistentThrough, writtenSinceMark, writtenInBoot, head,
                fewer);
    }

    byte[] encode() {
        Map<String, String> entries = new HashMap<>();
        entries.put("size", Long.toString(size));
        entries.put("epoch", Long.toString(epoch));
        entries.put("epochSetSize", Integer.toString(epochQuorum.setSize()));
        entries.put("epochConsistencyFactor", Integer.toString(epochQuorum.consistencyFactor()));
        entries.put("consistentThrough", Long.toString(consistentThrough));
        entries.put("writtenSinceMark", Boolean.toString(writtenSinceMark));
        entries.put("writtenInBoot", writtenInBoot);
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
        // manifests written before these keys existed: the write set unknown, recent writes unknown
        EpochQuorum quorum = text.optionalText("epochSetSize") == null ? EpochQuorum.UNKNOWN
                : new EpochQuorum((int) text.number("epochSetSize"), (int) text.number("epochConsistencyFactor"));
        String writtenSince = text.optionalText("writtenSinceMark");
        String writtenInBoot = text.optionalText("writtenInBoot");
        return new ReplicaManifest(text.number("size"), text.number("epoch"), quorum, text.number("consistentThrough"),
                writtenSince == null || Boolean.parseBoolean(writtenSince), writtenInBoot == null ? "" : writtenInBoot,
                text.text("head"), snapshots);
    }
}
