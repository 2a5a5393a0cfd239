package io.basalt.engine.replica.store;

import io.basalt.engine.block.NativeFile;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.roaringbitmap.RoaringBitmap;

/**
 * One layer of a replica: a sparse data file laid out like the volume (block n at byte
 * n * 4096) and its {@link AllocationMap}.
 *
 * <p>Files in the layer's directory: {@code layer.meta} ({@link LayerMeta}), {@code data.G} and
 * {@code map.G} for the current generation G. Files of any other generation are leftovers of an
 * interrupted merge.
 *
 * <p>Durability: writes go to the page cache; {@link #flush()} first copies the map, then syncs
 * the data file, then persists the copy. The persisted map therefore never names a block whose
 * data was not synced before, and every block written before the flush began is named by it.
 */
final class Layer implements AutoCloseable {

    static final String META_FILE = "layer.meta";

    private final String id;
    private final Path directory;
    private final MetadataWriter writer;
    private LayerMeta meta;
    private Layer parent;
    private FileChannel data;
    private NativeFile sparse;
    private AllocationMap map;
    private long persistedMapVersion;
    /** The data file opened for direct writes on first use; null before, or where the filesystem refuses. */
    private UncachedWriter uncached;
    private boolean uncachedOpened;

    private Layer(String id, Path directory, MetadataWriter writer, LayerMeta meta, FileChannel data,
            NativeFile sparse, AllocationMap map, long persistedMapVersion) {
        this.id = id;
        this.directory = directory;
        this.writer = writer;
        this.meta = meta;
        this.data = data;
        this.sparse = sparse;
        this.map = map;
        this.persistedMapVersion = persistedMapVersion;
    }

    /** Creates an empty layer durably; it is garbage until some replica manifest refers to it. */
    static Layer create(Path layersDirectory, String id, String owner, Layer parent, MetadataWriter writer)
            throws IOException {
        Path directory = layersDirectory.resolve(id);
        Files.createDirectory(directory);
        LayerMeta meta = new LayerMeta(owner, parent == null ? null : parent.id(), 0);
        Files.createFile(dataFile(directory, 0));
        AllocationMap map = new AllocationMap();
        writer.write(mapFile(directory, 0), map.serialize());
        writer.write(directory.resolve(META_FILE), meta.encode());
        MetadataWriter.syncDirectory(layersDirectory);
        Layer layer = open(directory, writer, meta, map);
        layer.parent = parent;
        return layer;
    }

    /** Opens an existing layer; its parent is linked by the caller. */
    static Layer open(Path directory, MetadataWriter writer) throws IOException {
        Path metaFile = directory.resolve(META_FILE);
        LayerMeta meta = LayerMeta.decode(Files.readAllBytes(metaFile), metaFile.toString());
        Path mapFile = mapFile(directory, meta.generation());
        AllocationMap map = AllocationMap.deserialize(Files.readAllBytes(mapFile), mapFile.toString());
        removeOtherGenerations(directory, meta.generation());
        return open(directory, writer, meta, map);
    }

    private static Layer open(Path directory, MetadataWriter writer, LayerMeta meta, AllocationMap map)
            throws IOException {
        Path dataFile = dataFile(directory, meta.generation());
        FileChannel data = FileChannel.open(dataFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        NativeFile sparse;
        try {
            sparse = NativeFile.open(dataFile);
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
        return new Layer(directory.getFileName().toString(), directory, writer, meta, data, sparse, map,
                map.version());
    }

    String id() {
        return id;
    }

    String owner() {
        return meta.owner();
    }

    String parentId() {
        return meta.parent();
    }

    Layer parent() {
        return parent;
    }

    void linkParent(Layer layer) {
        this.parent = layer;
    }

    AllocationMap map() {
        return map;
    }

    long writtenBytes() {
        return map.writtenBlocks() * Blocks.SIZE;
    }

    /** Reads {@code destination.remaining()} bytes at {@code offset}; bytes past the file's end are zeros. */
    void read(long offset, ByteBuffer destination) throws IOException {
        long position = offset;
        while (destination.hasRemaining()) {
            int read = data.read(destination, position);
            if (read < 0) {
                Zeros.fill(destination);
                return;
            }
            position += read;
        }
    }

    /**
     * Fills {@code destination} (a direct buffer) from the page cache only; false, with the buffer
     * partly filled, when some of it would have to come from the disk.
     */
    boolean readCached(long offset, ByteBuffer destination) throws IOException {
        if (!destination.isDirect()) {
            return false;
        }
        long position = offset;
        while (destination.hasRemaining()) {
            int read = sparse.readCached(position, MemorySegment.ofBuffer(destination));
            if (read == NativeFile.NOT_CACHED) {
                return false;
            }
            if (read == 0) {
                Zeros.fill(destination);
                return true;
            }
            destination.position(destination.position() + read);
            position += read;
        }
        return true;
    }

    void write(long offset, ByteBuffer source) throws IOException {
        long position = offset;
        while (source.hasRemaining()) {
            position += data.write(source, position);
        }
    }

    /**
     * Writes {@code source} around the page cache (see {@link UncachedWriter}); false, writing
     * nothing, where the filesystem, the size or the alignment does not allow it.
     */
    boolean writeUncached(long offset, ByteBuffer source) throws IOException {
        UncachedWriter writer = uncachedWriter();
        return writer != null && writer.write(offset, source);
    }

    /** Starts writing back the range's dirty pages; {@link #flush()} then has less left to wait for. */
    void startWriteback(long offset, long length) throws IOException {
        sparse.startWriteback(offset, length);
    }

    private synchronized UncachedWriter uncachedWriter() throws IOException {
        if (!uncachedOpened) {
            uncached = UncachedWriter.open(dataFile(), sparse);
            uncachedOpened = true;
        }
        return uncached;
    }

    void punch(long offset, long length) throws IOException {
        sparse.punchHole(offset, length);
    }

    /**
     * Deallocates data the file holds for blocks the map does not name as written: writes a crash
     * cut off before their flush. Nothing reads those blocks from this layer, so only space is at
     * stake. Returns the bytes given back.
     */
    long reclaimUnmappedData() throws IOException {
        RoaringBitmap written = map.writtenBlocksCopy();
        long reclaimed = 0;
        for (long start = sparse.nextData(0); start >= 0; ) {
            long end = sparse.nextHole(start);
            long firstBlock = Blocks.blockOf(start);
            long endBlock = Math.min(Blocks.blocksFor(end), Blocks.MAX_BLOCKS);
            RoaringBitmap stray = RoaringBitmap.bitmapOfRange(firstBlock, endBlock);
            stray.andNot(written);
            for (long block = stray.nextValue((int) firstBlock); block >= 0 && block < endBlock; ) {
                long runEnd = Math.min(stray.nextAbsentValue((int) block), endBlock);
                sparse.punchHole(Blocks.offsetOf(block), Blocks.offsetOf(runEnd - block));
                reclaimed += Blocks.offsetOf(runEnd - block);
                block = runEnd >= endBlock ? -1 : stray.nextValue((int) runEnd);
            }
            start = sparse.nextData(end);
        }
        return reclaimed;
    }

    /** Makes every write and unmap that completed before this call durable. */
    synchronized void flush() throws IOException {
        if (map.version() == persistedMapVersion) {
            data.force(false);
            return;
        }
        AllocationMap snapshot = map.copy();
        data.force(false);
        writer.write(mapFile(directory, meta.generation()), snapshot.serialize());
        persistedMapVersion = snapshot.version();
    }

    /** Durably records a new parent; the merge that made it correct has been flushed before. */
    void persistParent(Layer newParent) throws IOException {
        LayerMeta changed = meta.withParent(newParent == null ? null : newParent.id());
        writer.write(directory.resolve(META_FILE), changed.encode());
        meta = changed;
        parent = newParent;
    }

    /**
     * Takes over {@code donor}'s data file and {@code map} under a new generation and {@code
     * donor}'s parent; commits with the layer's metadata. The donor is deleted by the caller.
     */
    synchronized void adopt(Layer donor, AllocationMap adoptedMap) throws IOException {
        long generation = meta.generation() + 1;
        Path newData = dataFile(directory, generation);
        Files.deleteIfExists(newData);
        Files.createLink(newData, donor.dataFile());
        writer.write(mapFile(directory, generation), adoptedMap.serialize());
        LayerMeta changed = new LayerMeta(meta.owner(), donor.parentId(), generation);
        writer.write(directory.resolve(META_FILE), changed.encode());
        FileChannel newChannel = FileChannel.open(newData, StandardOpenOption.READ, StandardOpenOption.WRITE);
        NativeFile newSparse = NativeFile.open(newData);
        closeFiles();
        data = newChannel;
        sparse = newSparse;
        meta = changed;
        map = adoptedMap;
        persistedMapVersion = adoptedMap.version();
        parent = donor.parent();
        removeOtherGenerations(directory, generation);
    }

    Path dataFile() {
        return dataFile(directory, meta.generation());
    }

    /** Syncs the data file alone: for a layer whose map is persisted elsewhere. */
    void syncData() throws IOException {
        data.force(false);
    }

    @Override
    public void close() throws IOException {
        closeFiles();
    }

    /** Closes the layer and removes its files. */
    void delete() throws IOException {
        closeFiles();
        deleteDirectory(directory);
    }

    private synchronized void closeFiles() throws IOException {
        try (NativeFile closingSparse = sparse; UncachedWriter closingUncached = uncached) {
            data.close();
        } finally {
            uncached = null;
            uncachedOpened = false;
        }
    }

    static void deleteDirectory(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        MetadataWriter.syncDirectory(directory.getParent());
    }

    private static void removeOtherGenerations(Path directory, long generation) throws IOException {
        String data = dataFile(directory, generation).getFileName().toString();
        String map = mapFile(directory, generation).getFileName().toString();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                boolean stale = (name.startsWith("data.") && !name.equals(data))
                        || (name.startsWith("map.") && !name.equals(map));
                if (stale) {
                    Files.delete(file);
                }
            }
        }
    }

    private static Path dataFile(Path directory, long generation) {
        return directory.resolve("data." + generation);
    }

    private static Path mapFile(Path directory, long generation) {
        return directory.resolve("map." + generation);
    }

    @Override
    public String toString() {
        return "layer " + id;
    }
}
