package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces small files atomically: write a temporary sibling, fsync it, rename it over the
 * target, fsync the directory. After a crash the target holds either its old or its new content,
 * never a mix; a leftover temporary file (suffix {@value #TEMP_SUFFIX}) is garbage.
 */
final class MetadataWriter {

    static final String TEMP_SUFFIX = ".tmp";

    /** Observes each step; tests throw from it to simulate a crash at that point. */
    interface StepHook {
        StepHook NONE = (step, target) -> { };

        void reached(Step step, Path target) throws IOException;
    }

    enum Step { TEMP_SYNCED, RENAMED }

    private final StepHook hook;

    MetadataWriter(StepHook hook) {
        this.hook = hook;
    }

    void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        hook.reached(Step.TEMP_SYNCED, target);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        hook.reached(Step.RENAMED, target);
        syncDirectory(target.getParent());
    }

    /** Makes creations, renames and deletions of the directory's entries durable. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
