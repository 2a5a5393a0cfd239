package io.basalt.engine.management;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The space a pool may use: its file system's, or less when an operator caps it (to share a disk
 * with other users).
 *
 * @param capacityCap bytes the pool may hold at most, or 0 for the whole file system
 */
public record PoolSpace(Path directory, long capacityCap) {

    public PoolSpace {
        if (capacityCap < 0) {
            throw new IllegalArgumentException("capacity cap " + capacityCap + " is negative");
        }
    }

    /** Capacity, used and free bytes at this moment, given what the pool's layers hold. */
    public Usage usage(long poolUsedBytes) throws IOException {
        FileStore store = Files.getFileStore(directory);
        long fileSystemFree = store.getUsableSpace();
        long capacity = capacityCap == 0 ? store.getTotalSpace() : Math.min(capacityCap, store.getTotalSpace());
        long free = capacityCap == 0 ? fileSystemFree : Math.min(fileSystemFree, Math.max(0, capacityCap - poolUsedBytes));
        return new Usage(capacity, poolUsedBytes, free);
    }

    public record Usage(long capacityBytes, long usedBytes, long freeBytes) {
    }
}
