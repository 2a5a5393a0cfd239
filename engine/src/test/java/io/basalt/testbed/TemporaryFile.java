package io.basalt.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temporary file that a host process writes its output into, removed when closed. */
final class TemporaryFile implements AutoCloseable {

    private final Path path;

    private TemporaryFile(Path path) {
        this.path = path;
    }

    static TemporaryFile create(String prefix) {
        try {
            return new TemporaryFile(Files.createTempFile(prefix, ".out"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file", e);
        }
    }

    Path path() {
        return path;
    }

    String read() throws IOException {
        return Files.readString(path);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover file in the temporary directory is harmless; the output was read already.
        }
    }
}
