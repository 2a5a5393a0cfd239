package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas kept in one directory, and the layers they are made of.
 *
 * <p>Layout: {@code replicas/NAME.manifest} ({@link ReplicaManifest}) per replica and {@code
 * layers/ID/} per layer ({@link Layer}). Layers are shared by reference: a clone's first layer lies
 * on a snapshot layer of another replica. A layer is kept while anything reaches it (a replica's
 * head, a snapshot, or a layer lying on it); the references are derived from the manifests and
 * layer metadata, so no separately persisted counter can disagree with them.
 *
 * <p>Crash safety: every change is made durable before the file that refers to it is committed
 * (layer files before the manifest naming them, merged data before the layer metadata that drops
 * the merged parent). Opening the pool therefore only has to drop what nothing refers to:
 * temporary files, unreferenced layers, files of stale generations, data of writes whose flush
 * never came; and finish interrupted merges.
 *
 * <p>Concurrency: reads, writes, unmaps and flushes of any replicas run concurrently (they share
 * the pool's lock); snapshot, clone, snapshot deletion (merging), resize, create and delete run
 * one at a time and take the lock exclusively, so they briefly pause I/O on the pool. A merge
 * copies in batches of 1 MiB and lets I/O run between them (except when it copies a writable
 * layer into the layer under it, which it does in one go).
 */
public final class ReplicaPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String MANIFEST_SUFFIX = ".manifest";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final String LOCK_FILE = "pool.lock";
    /** Present while the pool is closed after every replica was flushed; gone while a process has it open. */
    private static final String CLEAN_CLOSE_FILE = "pool.closed";

    private final Path layersDirectory;
    private final Path replicasDirectory;
    private final Path cleanCloseFile;
    private final MetadataWriter writer;
    private final Clock clock;
    private final String boot;
    /** Holds the directory's lock while the pool is open; closing it lets go. */
    private final FileChannel lockFile;
    private final FreeSpace freeSpace;
    /** Shared by I/O, exclusive while the structure changes; fair, so I/O gets in between merge batches. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    /** Held through a whole structural change, so that no other one interleaves with its batches. */
    private final ReentrantLock structure = new ReentrantLock();
    private final Map<String, Layer> layers = new HashMap<>();
    private final Map<String, Replica> replicas = new TreeMap<>();
    /** Replicas that may have lost writes, as only memory says so far (see rememberUnflushedWritesMayBeLost). */
    private final Set<String> lossNotYetPersisted = new HashSet<>();
    private volatile Exception failure;

    private ReplicaPool(Path root, MetadataWriter writer, Clock clock, String boot, FileChannel lockFile,
            FreeSpace freeSpace) {
        this.layersDirectory = root.resolve("layers");
        this.replicasDirectory = root.resolve("replicas");
        this.cleanCloseFile = root.resolve(CLEAN_CLOSE_FILE);
        this.writer = writer;
        this.clock = clock;
        this.boot = boot;
        this.lockFile = lockFile;
        this.freeSpace = freeSpace;
    }

    /** Opens (creating if needed) the pool in {@code root}, recovering from any crash. */
    public static ReplicaPool open(Path root) throws IOException {
        return open(root, currentBoot());
    }

    /**
     * Opens the pool in the machine's boot {@code boot}. Data written and not yet flushed survives
     * neither the machine's boot nor a pool process that ends without closing the pool (the
     * allocation of blocks first written since the last flush is held in memory only): a replica
     * changed since its last mark in an earlier boot than this one, or when such a process ended,
     * may have lost writes since that mark.
     */
    public static ReplicaPool open(Path root, String boot) throws IOException {
        return open(root, MetadataWriter.StepHook.NONE, Clock.systemUTC(), boot, fileSystemFreeSpace(root));
    }

    static ReplicaPool open(Path root, MetadataWriter.StepHook hook, Clock clock) throws IOException {
        return open(root, hook, clock, currentBoot(), fileSystemFreeSpace(root));
    }

    static ReplicaPool open(Path root, FreeSpace freeSpace) throws IOException {
        return open(root, MetadataWriter.StepHook.NONE, Clock.systemUTC(), currentBoot(), freeSpace);
    }

    private static ReplicaPool open(Path root, MetadataWriter.StepHook hook, Clock clock, String boot,
            FreeSpace freeSpace) throws IOException {
        ReplicaPool pool = new ReplicaPool(root, new MetadataWriter(hook), clock, boot, lock(root), freeSpace);
        try {
            pool.recover(pool.takeCleanClose());
        } catch (IOException | RuntimeException e) {
            pool.abandon();
            throw e;
        }
        return pool;
    }

    /**
     * Locks the pool's directory for this process: a second pool server on it would recover what
     * the first is writing, give back blocks it has not flushed and remove layers it is creating.
     * The lock goes with the process, however it ends.
     */
    private static FileChannel lock(Path root) throws IOException {
        Files.createDirectories(root);
        FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldHere) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the pool directory " + root + " is in use by another pool server");
        }
        return channel;
    }

    /** The bytes free for the pool's files: what merges may take. */
    interface FreeSpace {
        long bytes() throws IOException;
    }

    private static FreeSpace fileSystemFreeSpace(Path root) {
        return () -> Files.getFileStore(root).getUsableSpace();
    }

    /** The kernel's id of the machine's current boot; empty where it cannot be read, which no boot matches. */
    private static String currentBoot() {
        try {
            return Files.readString(BOOT_ID).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The machine's boot the pool was opened in: see {@link #open(Path, String)}. */
    String boot() {
        return boot;
    }

    /** Creates a replica of {@code size} bytes (a multiple of 4 KiB) reading as zeros, at epoch 0. */
    public Replica create(String name, long size) throws IOException {
        requireName("replica", name);
        Replica.requireValidSize(size);
        lockStructure();
        try {
            requireUsable();
            requireUnused(name);
            Layer head = Layer.create(layersDirectory, newLayerId(), name, null, writer);
            return mutate(() -> commitNewReplica(name, head,
                    ReplicaManifest.fresh(size, head.id())));
        } finally {
            unlockStructure();
        }
    }

    /**
     * A new replica whose content starts as {@code source}'s snapshot {@code snapshot}; it shares
     * the snapshot's layers and owns only what it writes. Epoch and consistent sequence start at 0.
     */
    public Replica clone(String source, String snapshot, String name) throws IOException {
        requireName("replica", name);
        lockStructure();
        try {
            requireUsable();
            requireUnused(name);
            Replica origin = replica(source);
            ReplicaManifest.SnapshotRecord record = origin.manifest().snapshot(snapshot)
                    .orElseThrow(() -> new UnknownSnapshotException(source, snapshot));
            Layer base = layers.get(record.layer());
            Layer head = Layer.create(layersDirectory, newLayerId(), name, base, writer);
            return mutate(() -> commitNewReplica(name, head,
                    ReplicaManifest.fresh(record.size(), head.id())));
        } finally {
            unlockStructure();
        }
    }

    public Replica replica(String name) throws UnknownReplicaException {
        lock.readLock().lock();
        try {
            Replica replica = replicas.get(name);
            if (replica == null) {
                throw new UnknownReplicaException(name);
            }
            return replica;
        } finally {
            lock.readLock().unlock();
        }
    }

    public List<String> replicaNames() {
        lock.readLock().lock();
        try {
            return List.copyOf(replicas.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Deletes a replica; the layers its clones still lie on stay until those clones go. */
    public void delete(String name) throws IOException {
        lockStructure();
        try {
            requireUsable();
            Replica replica = replica(name);
            mutate(() -> {
                replica.markClosed();
                replicas.remove(name);
                Files.delete(manifestFile(name));
                MetadataWriter.syncDirectory(replicasDirectory);
                collapseAndCollect();
                LOG.info("replica deleted replica={}", name);
                return null;
            });
        } finally {
            unlockStructure();
        }
    }

    /** Bytes held by every layer of the pool, shared ones counted once. */
    public long usedBytes() {
        lock.readLock().lock();
        try {
            return layers.values().stream().mapToLong(Layer::writtenBytes).sum();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Why the pool stopped taking changes (reopening it recovers), or empty while it works. */
    public Optional<String> failureReason() {
        return Optional.ofNullable(failure).map(Exception::getMessage);
    }

    /**
     * Flushes every replica that has not failed, records that nothing is left unflushed when none
     * has, then releases the pool's files. Holds back I/O throughout, so that no write comes
     * between the flushes and that record.
     */
    @Override
    public void close() throws IOException {
        lockStructure();
        try {
            IOException problem = null;
            for (Replica replica : List.copyOf(replicas.values())) {
                if (replica.healthy()) {
                    try {
                        replica.flush();
                        if (lossNotYetPersisted.contains(replica.name())) {
                            replica.update(UnaryOperator.identity());
                        }
                    } catch (IOException e) {
                        problem = e;
                    }
                }
            }
            // a failed flush fails its replica, a failed pool all of them; a second close records nothing
            if (lockFile.isOpen() && replicas.values().stream().allMatch(Replica::healthy)) {
                try {
                    writer.write(cleanCloseFile, new byte[0]);
                } catch (IOException e) {
                    problem = e;
                }
            }
            try {
                abandon();
            } catch (IOException e) {
                if (problem == null) {
                    problem = e;
                } else {
                    problem.addSuppressed(e);
                }
            }
            if (problem != null) {
                throw problem;
            }
        } finally {
            unlockStructure();
        }
    }

    /** Releases the pool's files without flushing anything, as a crash would leave them. */
    void abandon() throws IOException {
        lockStructure();
        try {
            IOException problem = null;
            for (Replica replica : replicas.values()) {
                replica.markClosed();
            }
            for (Layer layer : layers.values()) {
                problem = closed(layer::close, problem);
            }
            replicas.clear();
            layers.clear();
            problem = closed(lockFile::close, problem);
            if (problem != null) {
                throw problem;
            }
        } finally {
            unlockStructure();
        }
    }

    private interface FileClose {
        void close() throws IOException;
    }

    /** Closes a file; returns {@code problem}, or the failure to close it, with any other one added. */
    private static IOException closed(FileClose file, IOException problem) {
        try {
            file.close();
            return problem;
        } catch (IOException e) {
            if (problem == null) {
                return e;
            }
            problem.addSuppressed(e);
            return problem;
        }
    }

    // ---- operations of one replica that change the pool's structure; called by Replica

    ReentrantReadWriteLock lock() {
        return lock;
    }

    SnapshotInfo snapshot(Replica replica, String name) throws IOException {
        requireName("snapshot", name);
        lockStructure();
        try {
            requireUsable();
            replica.requireOpen();
            ReplicaManifest manifest = replica.manifest();
            if (manifest.snapshot(name).isPresent()) {
                throw new NameInUseException("snapshot of replica '" + replica.name() + "'", name);
            }
            replica.flush();
            Layer frozen = replica.head();
            Layer head = Layer.create(layersDirectory, newLayerId(), replica.name(), frozen, writer);
            ReplicaManifest.SnapshotRecord record = new ReplicaManifest.SnapshotRecord(
                    name, frozen.id(), clock.millis(), manifest.size());
            return mutate(() -> {
                replica.update(current -> current.withSnapshot(record, head.id()));
                layers.put(head.id(), head);
                replica.relink(head);
                LOG.info("snapshot taken replica={} snapshot={} layer={}", replica.name(), name, frozen.id());
                return info(record);
            });
        } finally {
            unlockStructure();
        }
    }

    void deleteSnapshot(Replica replica, String name) throws IOException {
        lockStructure();
        try {
            requireUsable();
            replica.requireOpen();
            if (replica.manifest().snapshot(name).isEmpty()) {
                throw new UnknownSnapshotException(replica.name(), name);
            }
            mutate(() -> {
                replica.update(current -> current.withoutSnapshot(name));
                LOG.info("snapshot deleted replica={} snapshot={}", replica.name(), name);
                collapseAndCollect();
                return null;
            });
        } finally {
            unlockStructure();
        }
    }

    void resize(Replica replica, long newSize) throws IOException {
        Replica.requireValidSize(newSize);
        lockStructure();
        try {
            requireUsable();
            replica.requireOpen();
            long size = replica.manifest().size();
            if (newSize < size) {
                throw new IllegalArgumentException("replica '" + replica.name() + "' cannot shrink from "
                        + size + " to " + newSize + " bytes");
            }
            mutate(() -> {
                replica.update(current -> current.withSize(newSize));
                return null;
            });
        } finally {
            unlockStructure();
        }
    }

    List<SnapshotInfo> snapshots(Replica replica) {
        lock.readLock().lock();
        try {
            return replica.manifest().snapshots().stream().map(this::info).toList();
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---- internals

    private SnapshotInfo info(ReplicaManifest.SnapshotRecord record) {
        return new SnapshotInfo(record.name(), Instant.ofEpochMilli(record.createdMillis()), record.size(),
                layers.get(record.layer()).writtenBytes());
    }

    private Replica commitNewReplica(String name, Layer head, ReplicaManifest manifest) throws IOException {
        writer.write(manifestFile(name), manifest.encode());
        layers.put(head.id(), head);
        Replica replica = new Replica(name, this, manifest, head, manifestWriter(name));
        replicas.put(name, replica);
        LOG.info("replica created replica={} size={} layer={}", name, manifest.size(), head.id());
        return replica;
    }

    private Replica.ManifestWriter manifestWriter(String name) {
        Path file = manifestFile(name);
        return manifest -> writer.write(file, manifest.encode());
    }

    private void lockStructure() {
        structure.lock();
        lock.writeLock().lock();
    }

    private void unlockStructure() {
        lock.writeLock().unlock();
        structure.unlock();
    }

    /** Lets waiting I/O run, between two steps of a structural change that each leave a consistent state. */
    private void yieldToIo() {
        if (lock.getWriteHoldCount() == 1) {
            lock.writeLock().unlock();
            lock.writeLock().lock();
        }
    }

    private interface Mutation<T> {
        T run() throws IOException;
    }

    /**
     * Runs a change of the pool's structure from its first commit on. When it fails part way,
     * whether its last metadata write took effect is unknown, so memory may no longer match the
     * disk: every replica of the pool fails, and reopening the pool settles the state from what
     * is durable. (Failures before the commit only leave an unreferenced layer behind, which the
     * next collection removes.)
     */
    private <T> T mutate(Mutation<T> mutation) throws IOException {
        try {
            return mutation.run();
        } catch (IOException | RuntimeException e) {
            failure = e;
            replicas.values().forEach(replica -> replica.fail(e));
            LOG.error("replica pool failed; reopen it to recover directory={}", layersDirectory.getParent(), e);
            throw e;
        }
    }

    private void requireUsable() throws ReplicaStoreException {
        if (failure != null) {
            throw new ReplicaStoreException("replica pool in " + layersDirectory.getParent()
                    + " failed (" + failure.getMessage() + "); reopen it to recover");
        }
    }

    /**
     * Whether the last process to open the pool closed it with every replica flushed. Forgotten
     * durably before anything changes: until this process closes it so, a crash may lose writes.
     */
    private boolean takeCleanClose() throws IOException {
        if (!Files.deleteIfExists(cleanCloseFile)) {
            return false;
        }
        MetadataWriter.syncDirectory(cleanCloseFile.getParent());
        return true;
    }

    private void recover(boolean closedCleanly) throws IOException {
        Files.createDirectories(layersDirectory);
        Files.createDirectories(replicasDirectory);
        removeTemporaryFiles();
        Map<String, ReplicaManifest> manifests = new TreeMap<>();
        try (Stream<Path> files = Files.list(replicasDirectory)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(MANIFEST_SUFFIX)) {
                    String name = fileName.substring(0, fileName.length() - MANIFEST_SUFFIX.length());
                    manifests.put(name, ReplicaManifest.decode(Files.readAllBytes(file), file.toString()));
                }
            }
        }
        if (!closedCleanly) {
            rememberUnflushedWritesMayBeLost(manifests);
        }
        for (ReplicaManifest manifest : manifests.values()) {
            load(manifest.head());
            for (ReplicaManifest.SnapshotRecord snapshot : manifest.snapshots()) {
                load(snapshot.layer());
            }
        }
        manifests.forEach((name, manifest) -> replicas.put(name,
                new Replica(name, this, manifest, layers.get(manifest.head()), manifestWriter(name))));
        collapseAndCollect();
        LOG.info("replica pool opened directory={} replicas={} layers={}", layersDirectory.getParent(),
                replicas.size(), layers.size());
    }

    /**
     * After a process that did not close the pool, marks each replica changed since its mark as
     * one that may have lost writes (its boot unknown), so that it says so until its next mark. In
     * memory only, as an open must not need free space: the manifest's next change persists it,
     * and so does closing the pool, before it records a clean close.
     */
    private void rememberUnflushedWritesMayBeLost(Map<String, ReplicaManifest> manifests) {
        manifests.replaceAll((name, manifest) -> {
            if (!manifest.writtenSinceMark()) {
                return manifest;
            }
            lossNotYetPersisted.add(name);
            return manifest.withWrittenSinceMark("");
        });
    }

    /** Loads a layer and the layers under it. */
    private Layer load(String id) throws IOException {
        Layer loaded = layers.get(id);
        if (loaded != null) {
            return loaded;
        }
        Path directory = layersDirectory.resolve(id);
        if (!Files.isDirectory(directory)) {
            throw new CorruptMetadataException(directory.toString(), "referenced layer is missing");
        }
        Layer layer = Layer.open(directory, writer);
        layers.put(id, layer);
        long reclaimed = layer.reclaimUnmappedData();
        if (reclaimed > 0) {
            LOG.info("space of writes lost in a crash given back layer={} bytes={}", id, reclaimed);
        }
        if (layer.parentId() != null) {
            layer.linkParent(load(layer.parentId()));
        }
        return layer;
    }

    private void removeTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(layersDirectory.getParent(), 3)) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().endsWith(MetadataWriter.TEMP_SUFFIX)) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Merges every layer that no longer needs to exist on its own into its only child, then
     * deletes the layers nothing reaches. Run after anything that drops references and at open,
     * where it finishes merges a crash interrupted. A merge the file system has no room for waits
     * for a later run: started, it would fail for want of space, and so would every open after.
     */
    private void collapseAndCollect() throws IOException {
        Set<Layer> waiting = new HashSet<>();
        Layer redundant;
        while ((redundant = findRedundantLayer(waiting)) != null) {
            Layer child = childrenOf(redundant, reachable()).getFirst();
            boolean childWritable = replicas.values().stream().anyMatch(replica -> replica.head() == child);
            LayerMerger merger = new LayerMerger(redundant, child, childWritable, this::yieldToIo,
                    () -> headOfFailedReplica(child));
            if (!roomFor(merger, redundant) || !merger.merge()) {
                waiting.add(redundant);
                continue;
            }
            layers.remove(redundant.id());
            redundant.delete();
            for (Replica replica : replicas.values()) {
                replica.relink(replica.head());
            }
        }
        collectUnreachable();
    }

    /**
     * A layer no snapshot names and no replica writes to, lying under exactly one layer of the
     * same owner, whose merge is not {@code waiting}. Layers under a clone's first layer stay: they
     * hold the clone's origin content, which is not the clone's own space.
     */
    private Layer findRedundantLayer(Set<Layer> waiting) {
        Set<String> pinned = new HashSet<>();
        for (Replica replica : replicas.values()) {
            pinned.add(replica.manifest().head());
            replica.manifest().snapshots().forEach(s -> pinned.add(s.layer()));
        }
        Set<String> live = reachable();
        for (Layer layer : layers.values()) {
            if (pinned.contains(layer.id()) || !live.contains(layer.id()) || waiting.contains(layer)) {
                continue;
            }
            List<Layer> children = childrenOf(layer, live);
            if (children.size() == 1 && children.getFirst().owner().equals(layer.owner())
                    && !headOfFailedReplica(children.getFirst())) {
                return layer;
            }
        }
        return null;
    }

    /** Whether the file system has the space the merge of {@code redundant} may take; says so when not. */
    private boolean roomFor(LayerMerger merger, Layer redundant) throws IOException {
        long needed = merger.bytesToCopy();
        long free = freeSpace.bytes();
        if (needed <= free) {
            return true;
        }
        LOG.warn("merge waits for free space layer={} neededBytes={} freeBytes={}", redundant.id(), needed, free);
        return false;
    }

    /**
     * Whether {@code layer} is the head of a replica that failed. Its map in memory may name blocks
     * whose data a failed fsync lost, so a merge, which persists that map, waits for the reopen.
     */
    private boolean headOfFailedReplica(Layer layer) {
        return replicas.values().stream().anyMatch(replica -> replica.head() == layer && !replica.healthy());
    }

    private List<Layer> childrenOf(Layer parent, Set<String> live) {
        List<Layer> children = new ArrayList<>();
        for (Layer layer : layers.values()) {
            if (layer.parent() == parent && live.contains(layer.id())) {
                children.add(layer);
            }
        }
        return children;
    }

    private Set<String> reachable() {
        Set<String> reached = new HashSet<>();
        for (Replica replica : replicas.values()) {
            List<String> roots = new ArrayList<>();
            roots.add(replica.manifest().head());
            replica.manifest().snapshots().forEach(s -> roots.add(s.layer()));
            for (String root : roots) {
                for (Layer layer = layers.get(root); layer != null && reached.add(layer.id()); layer = layer.parent()) {
                    // walks down to the base or to a layer already reached
                }
            }
        }
        return reached;
    }

    private void collectUnreachable() throws IOException {
        Set<String> live = reachable();
        for (Layer layer : List.copyOf(layers.values())) {
            if (!live.contains(layer.id())) {
                layers.remove(layer.id());
                layer.delete();
                LOG.info("layer deleted layer={} owner={}", layer.id(), layer.owner());
            }
        }
        try (Stream<Path> directories = Files.list(layersDirectory)) {
            for (Path directory : directories.toList()) {
                if (!layers.containsKey(directory.getFileName().toString())) {
                    Layer.deleteDirectory(directory);
                    LOG.info("unreferenced layer removed directory={}", directory);
                }
            }
        }
    }

    private void requireUnused(String name) throws NameInUseException {
        if (replicas.containsKey(name)) {
            throw new NameInUseException("replica", name);
        }
    }

    private static void requireName(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " name '" + name
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private Path manifestFile(String name) {
        return replicasDirectory.resolve(name + MANIFEST_SUFFIX);
    }

    private static String newLayerId() {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
