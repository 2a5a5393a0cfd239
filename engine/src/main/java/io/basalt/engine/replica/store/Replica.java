package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/**
 * One volume's replica: a byte-addressed block store made of a chain of layers.
 *
 * <p>Reads take each 4 KiB block from the newest layer that says something about it (data, or
 * a tombstone meaning zeros), zeros when none does. Writes and unmaps go to the head layer, the
 * only writable one. A write that covers a block partly fills the rest of the block from the
 * chain first, so a block in the head is always whole.
 *
 * <p>Durability: {@link #flush()} is the durability point. Everything written or unmapped
 * before it was called survives a crash once it returns; a write not followed by a flush may
 * survive or not, block by block, but a block never shows content that was not written to it. A
 * FUA write is {@code write} then {@code flush}.
 *
 * <p>Concurrency contract: reads, writes, unmaps and flushes may be called from any number of
 * threads at once. Operations on disjoint byte ranges do not affect each other, even when they
 * share a block. Operations on overlapping ranges that run at the same time are not ordered (the
 * caller orders them, as an initiator must with a disk). Snapshot and resize wait for running
 * I/O and hold back new I/O while they run; deleting a snapshot does too, but lets I/O run between
 * the batches of the merge it causes. All calls block.
 */
public final class Replica {

    /** The unit of allocation: writes of parts of a block read the rest of it from the chain. */
    public static final int BLOCK_BYTES = Blocks.SIZE;

    private static final int STRIPES = 64;
    private static final int CHECKSUM_CHUNK = 1 << 20;

    /** Persists a manifest atomically. */
    interface ManifestWriter {
        void write(ReplicaManifest manifest) throws IOException;
    }

    private final String name;
    private final ReplicaPool pool;
    private final ManifestWriter manifestWriter;
    private final Lock[] partialBlockLocks = new Lock[STRIPES];
    private final AtomicLong highestWrittenSequence = new AtomicLong(-1);
    /** The highest sequence of the writes and unmaps begun: those a mark must not declare absent. */
    private final AtomicLong highestBegunSequence = new AtomicLong(-1);
    /** Writes check the written-since-mark flag under its read side, a mark replaces it under the write side. */
    private final ReadWriteLock markLock = new ReentrantReadWriteLock();
    private final boolean writtenSinceMarkWhenOpened;
    private final boolean unflushedWritesMayBeLost;
    private volatile ReplicaManifest manifest;
    private Layer head;
    private List<Layer> chain;
    private volatile boolean closed;
    private volatile Exception failure;

    Replica(String name, ReplicaPool pool, ReplicaManifest manifest, Layer head, ManifestWriter manifestWriter) {
        this.name = name;
        this.pool = pool;
        this.manifest = manifest;
        this.manifestWriter = manifestWriter;
        this.writtenSinceMarkWhenOpened = manifest.writtenSinceMark();
        this.unflushedWritesMayBeLost = manifest.writtenSinceMark()
                && (pool.boot().isEmpty() || !pool.boot().equals(manifest.writtenInBoot()));
        for (int i = 0; i < STRIPES; i++) {
            partialBlockLocks[i] = new ReentrantLock();
        }
        relink(head);
    }

    public String name() {
        return name;
    }

    public long size() {
        return manifest.size();
    }

    public long epoch() {
        return manifest.epoch();
    }

    /** The sequence number through which this replica is known to hold every write. */
    public long consistentThrough() {
        return manifest.consistentThrough();
    }

    /** The write set its epoch was given to, as persisted with the epoch. */
    public EpochQuorum epochQuorum() {
        return manifest.epochQuorum();
    }

    /**
     * Whether, when the pool opened it, the replica had changed since its last consistent-through
     * mark (or cannot tell, for a manifest from before the flag existed): what changed then is not
     * known any more. A replica created or cloned since, or closed cleanly after a mark, says false.
     */
    public boolean writtenSinceMarkWhenOpened() {
        return writtenSinceMarkWhenOpened;
    }

    /**
     * Whether the replica had changed since its mark in an earlier boot of the machine than the
     * pool's (or one it cannot tell), or when a pool process ended without closing the pool: a power
     * loss, a crash of the machine or of that process may then have lost writes it acknowledged and
     * had not flushed, so it holds less than its epoch says.
     */
    public boolean unflushedWritesMayBeLost() {
        return unflushedWritesMayBeLost;
    }

    /**
     * Whether the replica has persisted that it changed since its last mark: until it has, its next
     * change persists that first (a metadata write with its fsyncs).
     */
    public boolean changedSinceMark() {
        return manifest.writtenSinceMark();
    }

    /** The highest sequence number written since the replica was opened; -1 before any. */
    public long highestWrittenSequence() {
        return highestWrittenSequence.get();
    }

    /** Persists a new epoch and the write set it was given to; epochs never go back. */
    public void setEpoch(long epoch, EpochQuorum quorum) throws IOException {
        changeManifest(current -> {
            if (epoch < current.epoch()) {
                throw new IllegalArgumentException("replica '" + name + "' is at epoch " + current.epoch()
                        + "; it cannot go back to " + epoch);
            }
            return current.withEpoch(epoch, quorum);
        });
    }

    /**
     * Persists that every write up to and including {@code sequence} is held (and flushed). Unless a
     * write or unmap of a later sequence has begun, the replica is then clean: nothing written since.
     */
    public void markConsistentThrough(long sequence) throws IOException {
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence " + sequence + " is negative");
        }
        // the pool's lock before the mark lock, as writes take them
        Lock shared = pool.lock().readLock();
        shared.lock();
        Lock exclusive = markLock.writeLock();
        exclusive.lock();
        try {
            requireOpen();
            update(current -> current.withMark(sequence, highestBegunSequence.get() > sequence));
        } finally {
            exclusive.unlock();
            shared.unlock();
        }
    }

    /**
     * Before the first change after a mark, persists that the replica changed since: a restart then
     * knows it cannot list those changes. One metadata write per mark interval at most.
     */
    private void beginChange(long sequence) throws IOException {
        Lock shared = markLock.readLock();
        shared.lock();
        try {
            highestBegunSequence.accumulateAndGet(sequence, Math::max);
            if (!manifest.writtenSinceMark()) {
                flagWrittenSinceMark();
            }
        } finally {
            shared.unlock();
        }
    }

    private synchronized void flagWrittenSinceMark() throws IOException {
        if (!manifest.writtenSinceMark()) {
            update(current -> current.withWrittenSinceMark(pool.boot()));
        }
    }

    /** Holds the pool's shared lock, so that the replica cannot be deleted meanwhile. */
    private void changeManifest(UnaryOperator<ReplicaManifest> change) throws IOException {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            requireOpen();
            update(change);
        } finally {
            shared.unlock();
        }
    }

    public byte[] read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        read(offset, buffer);
        return buffer.array();
    }

    /** Fills {@code destination}'s remaining bytes with the content at {@code offset}. */
    public void read(long offset, ByteBuffer destination) throws IOException {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            requireOpen();
            requireRange(offset, destination.remaining());
            readChain(offset, destination, false);
        } finally {
            shared.unlock();
        }
    }

    /**
     * Reads as {@link #read} does, but only what is at hand without waiting: false (with
     * {@code destination} partly filled) when part of it would come from the disk or a structural
     * change holds the pool. For a network thread that must not block: it hands the read to a
     * thread that may wait when this fails. {@code destination} is a direct buffer.
     */
    public boolean readCached(long offset, ByteBuffer destination) throws IOException {
        Lock shared = pool.lock().readLock();
        if (!shared.tryLock()) {
            return false;
        }
        try {
            requireOpen();
            requireRange(offset, destination.remaining());
            return readChain(offset, destination, true);
        } finally {
            shared.unlock();
        }
    }

    /** Writes {@code data}'s remaining bytes at {@code offset}; {@code sequence} is the replication order. */
    public void write(long offset, ByteBuffer data, long sequence) throws IOException {
        write(offset, data, sequence, false);
    }

    /**
     * Writes as {@link #write} does, but around the page cache where the filesystem allows it and
     * the data covers whole blocks, {@link UncachedWriter#MIN_BYTES} at least, and otherwise with
     * its writeback started at once: for bulk data nobody reads soon, such as a rebuild's copy,
     * which should neither evict the application's cached data nor leave itself to a long flush.
     */
    public void writeUncached(long offset, ByteBuffer data, long sequence) throws IOException {
        write(offset, data, sequence, true);
    }

    private void write(long offset, ByteBuffer data, long sequence, boolean uncached) throws IOException {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            requireOpen();
            requireRange(offset, data.remaining());
            beginChange(sequence);
            int length = data.remaining();
            if (uncached && offset % Blocks.SIZE == 0 && length % Blocks.SIZE == 0
                    && head.writeUncached(offset, data)) {
                head.map().markWritten(Blocks.blockOf(offset), Blocks.blockOf(offset + length));
            } else {
                writeData(offset, data);
                if (uncached) {
                    head.startWriteback(offset, length);
                }
            }
            highestWrittenSequence.accumulateAndGet(sequence, Math::max);
        } finally {
            shared.unlock();
        }
    }

    /**
     * Deallocates [offset, offset + length): it reads as zeros afterwards and whole blocks go back
     * to the filesystem. Parts of blocks are written with zeros. {@code sequence} is the replication order.
     */
    public void unmap(long offset, long length, long sequence) throws IOException {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            requireOpen();
            requireRange(offset, length);
            beginChange(sequence);
            long end = offset + length;
            long firstWhole = Blocks.blocksFor(offset);
            long endWhole = Blocks.blockOf(end);
            if (firstWhole >= endWhole) {
                zeroPart(offset, end);
                return;
            }
            zeroPart(offset, Blocks.offsetOf(firstWhole));
            // Blocks this layer never wrote hold nothing to give back (what a crash cut off is
            // given back on open); a punch would wait for every direct write to the file.
            if (head.map().anyWritten(firstWhole, endWhole)) {
                head.punch(Blocks.offsetOf(firstWhole), Blocks.offsetOf(endWhole - firstWhole));
            }
            if (head.parent() == null) {
                head.map().clear(firstWhole, endWhole);
            } else {
                head.map().markZeroed(firstWhole, endWhole);
            }
            zeroPart(Blocks.offsetOf(endWhole), end);
        } finally {
            shared.unlock();
        }
    }

    /** Makes every write and unmap that completed before this call durable. */
    public void flush() throws IOException {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            requireOpen();
            try {
                head.flush();
            } catch (IOException | RuntimeException e) {
                // after a failed fsync the page cache may have dropped the data: never pretend otherwise
                fail(e);
                throw e;
            }
        } finally {
            shared.unlock();
        }
    }

    /** Flushes, then freezes the current content as snapshot {@code snapshot}. */
    public SnapshotInfo snapshot(String snapshot) throws IOException {
        return pool.snapshot(this, snapshot);
    }

    /** Forgets a snapshot; its layer is merged away unless a clone still lies on it. */
    public void deleteSnapshot(String snapshot) throws IOException {
        pool.deleteSnapshot(this, snapshot);
    }

    /** The snapshots, oldest first. */
    public List<SnapshotInfo> listSnapshots() {
        return pool.snapshots(this);
    }

    /** Grows the replica; the new range reads as zeros. */
    public void resize(long newSize) throws IOException {
        pool.resize(this, newSize);
    }

    /** Bytes held by this replica's own layers (not those it shares from the snapshot it was cloned from). */
    public long usedBytes() {
        Lock shared = pool.lock().readLock();
        shared.lock();
        try {
            return chain.stream().filter(layer -> layer.owner().equals(name)).mapToLong(Layer::writtenBytes).sum();
        } finally {
            shared.unlock();
        }
    }

    /**
     * CRC32C of the whole logical content, unwritten ranges as zeros: equal for replicas holding
     * the same data. Meaningful while no writes run.
     */
    public long checksum() throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHECKSUM_CHUNK);
        long size = size();
        for (long offset = 0; offset < size; offset += CHECKSUM_CHUNK) {
            buffer.clear().limit((int) Math.min(CHECKSUM_CHUNK, size - offset));
            read(offset, buffer);
            crc.update(buffer.flip());
        }
        return crc.getValue();
    }

    /**
     * The ranges some layer of the chain holds data for, in order, adjacent ranges joined: what
     * a rebuild has to copy (everything else reads as zeros). A view of the moment of the call.
     */
    public Iterator<Extent> allocatedExtents() {
        return new ExtentIterator(allocatedBlocks(0, Blocks.MAX_BLOCKS));
    }

    /**
     * As {@link #allocatedExtents()}, within the blocks that [offset, offset + length) touches:
     * only that part of each layer's map is looked at, so that a rebuild asking window by window
     * does not go over the whole volume every time.
     */
    public Iterator<Extent> allocatedExtents(long offset, long length) {
        return new ExtentIterator(allocatedBlocks(Blocks.blockOf(offset), Blocks.blocksFor(offset + length)));
    }

    /**
     * CRC32C of the content of {@code count} consecutive regions of {@code regionBytes} from
     * {@code offset} (the last one cut at the end of the replica), unwritten ranges as zeros: equal
     * where two replicas hold the same data. Only regions holding data are read. Meaningful for
     * regions no write changes meanwhile.
     */
    public int[] regionChecksums(long offset, int regionBytes, int count) throws IOException {
        if (regionBytes <= 0 || regionBytes % Blocks.SIZE != 0 || offset % regionBytes != 0 || count < 0) {
            throw new IllegalArgumentException("regions of " + regionBytes + " bytes from " + offset
                    + " are not whole blocks on a region boundary");
        }
        long size = size();
        requireRange(offset, Math.min(size - offset, (long) regionBytes * count));
        RoaringBitmap allocated = allocatedBlocks(Blocks.blockOf(offset),
                Blocks.blocksFor(offset + (long) regionBytes * count));
        int[] checksums = new int[count];
        ByteBuffer buffer = ByteBuffer.allocate(regionBytes);
        for (int i = 0; i < count; i++) {
            long start = offset + (long) i * regionBytes;
            int length = (int) Math.min(regionBytes, size - start);
            buffer.clear().limit(length);
            if (allocated.intersects(Blocks.blockOf(start), Blocks.blocksFor(start + length))) {
                read(start, buffer);
            } else {
                Zeros.fill(buffer);
            }
            CRC32C crc = new CRC32C();
            crc.update(buffer.flip());
            checksums[i] = (int) crc.getValue();
        }
        return checksums;
    }

    /** The blocks in [fromBlock, toBlock) some layer of the chain holds data for, within the replica's size. */
    private RoaringBitmap allocatedBlocks(long fromBlock, long toBlock) {
        Lock shared = pool.lock().readLock();
        shared.lock();
        RoaringBitmap allocated = new RoaringBitmap();
        try {
            for (Layer layer : chain.reversed()) {
                allocated.andNot(layer.map().zeroedBlocksIn(fromBlock, toBlock));
                allocated.or(layer.map().writtenBlocksIn(fromBlock, toBlock));
            }
            allocated.remove(Blocks.blocksFor(size()), Blocks.MAX_BLOCKS);
        } finally {
            shared.unlock();
        }
        return allocated;
    }

    @Override
    public String toString() {
        return "replica " + name;
    }

    // ---- called by the pool, under its exclusive lock unless said otherwise

    ReplicaManifest manifest() {
        return manifest;
    }

    Layer head() {
        return head;
    }

    /** Makes {@code newHead} the writable layer and recomputes the chain under it. */
    void relink(Layer newHead) {
        List<Layer> layers = new ArrayList<>();
        for (Layer layer = newHead; layer != null; layer = layer.parent()) {
            layers.add(layer);
        }
        head = newHead;
        chain = List.copyOf(layers);
    }

    /**
     * Persists a change of the manifest, then adopts it; changes are serialized. When the write
     * fails, whether it took effect is unknown: the replica fails until the pool is reopened.
     */
    synchronized void update(UnaryOperator<ReplicaManifest> change) throws IOException {
        ReplicaManifest changed = change.apply(manifest);
        try {
            manifestWriter.write(changed);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
        manifest = changed;
    }

    /** Open and not failed. */
    boolean healthy() {
        return !closed && failure == null;
    }

    /** Refuses all further operations: memory may no longer match what is durable. */
    void fail(Exception cause) {
        failure = cause;
    }

    void markClosed() {
        closed = true;
    }

    void requireOpen() throws ReplicaStoreException {
        if (closed) {
            throw new ReplicaStoreException("replica '" + name + "' is closed");
        }
        Exception cause = failure;
        if (cause != null) {
            throw new ReplicaStoreException("replica '" + name + "' failed (" + cause.getMessage()
                    + "); reopen the pool to recover");
        }
    }

    static void requireValidSize(long size) {
        if (size <= 0 || size % Blocks.SIZE != 0 || size > Blocks.MAX_BYTES) {
            throw new IllegalArgumentException("replica size " + size + " must be a positive multiple of "
                    + Blocks.SIZE + " bytes, at most " + Blocks.MAX_BYTES);
        }
    }

    // ---- internals

    private void requireRange(long offset, long length) {
        long size = manifest.size();
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " is outside replica '" + name
                    + "' of " + size + " bytes");
        }
    }

    /** False when {@code cachedOnly} and some of the data is not in the page cache. */
    private boolean readChain(long offset, ByteBuffer destination, boolean cachedOnly) throws IOException {
        long position = offset;
        while (destination.hasRemaining()) {
            long block = Blocks.blockOf(position);
            Layer source = sourceOf(block);
            long end = position + destination.remaining();
            long runEnd = Blocks.offsetOf(block + 1);
            while (runEnd < end && sourceOf(Blocks.blockOf(runEnd)) == source) {
                runEnd += Blocks.SIZE;
            }
            int length = (int) (Math.min(runEnd, end) - position);
            ByteBuffer run = destination.slice(destination.position(), length);
            if (source == null) {
                Zeros.fill(run);
            } else if (cachedOnly) {
                if (!source.readCached(position, run)) {
                    return false;
                }
            } else {
                source.read(position, run);
            }
            destination.position(destination.position() + length);
            position += length;
        }
        return true;
    }

    /** The layer whose data the block shows, or null when it reads as zeros. */
    private Layer sourceOf(long block) {
        for (Layer layer : chain) {
            switch (layer.map().state(block)) {
                case WRITTEN -> {
                    return layer;
                }
                case ZEROED -> {
                    return null;
                }
                case ABSENT -> {
                }
            }
        }
        return null;
    }

    /**
     * Writes part of one block. A block the head does not hold yet is first completed from the
     * chain, so that the head never holds a block of which only a part was written.
     */
    private void writePartialBlock(long block, int inBlock, ByteBuffer part) throws IOException {
        Lock stripe = partialBlockLocks[(int) (block % STRIPES)];
        stripe.lock();
        try {
            if (head.map().state(block) == AllocationMap.BlockState.WRITTEN) {
                head.write(Blocks.offsetOf(block) + inBlock, part);
                return;
            }
            ByteBuffer whole = ByteBuffer.allocate(Blocks.SIZE);
            readChain(Blocks.offsetOf(block), whole, false);
            whole.put(inBlock, part, part.position(), part.remaining());
            head.write(Blocks.offsetOf(block), whole.clear());
            head.map().markWritten(block, block + 1);
        } finally {
            stripe.unlock();
        }
    }

    /** Writes {@code data} at {@code offset} into the head, whole blocks directly and parts through the chain. */
    private void writeData(long offset, ByteBuffer data) throws IOException {
        long position = offset;
        while (data.hasRemaining()) {
            long block = Blocks.blockOf(position);
            int inBlock = (int) (position - Blocks.offsetOf(block));
            if (inBlock == 0 && data.remaining() >= Blocks.SIZE) {
                int whole = data.remaining() & -Blocks.SIZE;
                head.write(position, data.slice(data.position(), whole));
                head.map().markWritten(block, block + whole / Blocks.SIZE);
                data.position(data.position() + whole);
                position += whole;
            } else {
                int part = Math.min(Blocks.SIZE - inBlock, data.remaining());
                writePartialBlock(block, inBlock, data.slice(data.position(), part));
                data.position(data.position() + part);
                position += part;
            }
        }
    }

    private void zeroPart(long from, long to) throws IOException {
        if (from < to) {
            writeData(from, ByteBuffer.allocate((int) (to - from)));
        }
    }

    /** Walks the runs of a bitmap as byte extents. */
    private static final class ExtentIterator implements Iterator<Extent> {

        private final RoaringBitmap blocks;
        private long next;

        ExtentIterator(RoaringBitmap blocks) {
            this.blocks = blocks;
            this.next = blocks.nextValue(0);
        }

        @Override
        public boolean hasNext() {
            return next >= 0;
        }

        @Override
        public Extent next() {
            if (next < 0) {
                throw new NoSuchElementException();
            }
            long end = blocks.nextAbsentValue((int) next);
            Extent extent = new Extent(Blocks.offsetOf(next), Blocks.offsetOf(end - next));
            next = end >= Blocks.MAX_BLOCKS ? -1 : blocks.nextValue((int) end);
            return extent;
        }
    }
}
