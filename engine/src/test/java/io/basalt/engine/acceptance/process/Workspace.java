package io.basalt.engine.acceptance.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where an integration test keeps its files: logs and reports under the build directory (kept for
 * reading after the run), and bulky data such as backing files in a scratch directory that
 * {@link #close()} deletes.
 */
public final class Workspace implements AutoCloseable {

    private final Path logs;
    private final Path reports;
    private final Path scratch;

    private Workspace(Path logs, Path reports, Path scratch) {
        this.logs = logs;
        this.reports = reports;
        this.scratch = scratch;
    }

    public static Workspace forTest(String testName) {
        try {
            Path logs = Files.createDirectories(Path.of(System.getProperty("basalt.it.workdir", "target/it-work"), testName));
            Path reports = Files.createDirectories(Path.of(System.getProperty("basalt.it.reports", "target/it-reports")));
            Path scratch = Files.createTempDirectory("basalt-it-" + testName + "-");
            return new Workspace(logs, reports, scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare workspace for " + testName, e);
        }
    }

    public Path logs() {
        return logs;
    }

    public Path scratch() {
        return scratch;
    }

    /** A sparse file of exactly {@code size} bytes in the scratch directory: takes no disk space until written. */
    public Path sparseFile(String name, long size) {
        Path file = scratch.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create sparse file " + file, e);
        }
    }

    public void writeReport(String fileName, String text) {
        try {
            Files.writeString(reports.resolve(fileName), text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + fileName, e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(scratch)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete scratch directory " + scratch, e);
        }
    }
}
