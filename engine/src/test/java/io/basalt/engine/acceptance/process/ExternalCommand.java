package io.basalt.engine.acceptance.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line to completion within a time bound. Output goes to files (so a chatty tool
 * can never block on a full pipe) and is read back afterwards.
 */
public final class ExternalCommand {

    private ExternalCommand() {
    }

    public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new CommandFailedException(command, exitCode, stdout, stderr);
            }
            return this;
        }
    }

    public static final class CommandFailedException extends RuntimeException {
        public CommandFailedException(List<String> command, int exitCode, String stdout, String stderr) {
            super("command " + command + " exited with " + exitCode + "\nstdout:\n" + tail(stdout) + "\nstderr:\n" + tail(stderr));
        }
    }

    public static final class CommandTimedOutException extends RuntimeException {
        private final transient Result partial;

        CommandTimedOutException(Duration timeout, Result partial) {
            super("command " + partial.command() + " did not finish within " + timeout
                    + "\nstdout so far:\n" + tail(partial.stdout()) + "\nstderr so far:\n" + tail(partial.stderr()));
            this.partial = partial;
        }

        /** What the command printed before it was killed. */
        public Result partial() {
            return partial;
        }
    }

    /** Runs {@code command} in {@code workDir}; on timeout kills it with all its descendants. */
    public static Result run(List<String> command, Path workDir, Duration timeout) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(workDir);
            Path stdout = Files.createTempFile(workDir, "cmd-", ".out");
            Path stderr = Files.createTempFile(workDir, "cmd-", ".err");
            try {
                Process process = new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    Processes.killTree(process.toHandle(), Duration.ofSeconds(5));
                }
                Result result = new Result(command, finished ? process.exitValue() : -1,
                        Files.readString(stdout, StandardCharsets.UTF_8), Files.readString(stderr, StandardCharsets.UTF_8),
                        Duration.ofNanos(System.nanoTime() - started));
                if (!finished) {
                    throw new CommandTimedOutException(timeout, result);
                }
                return result;
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    static String tail(String text) {
        int keep = 4000;
        return text.length() <= keep ? text : "..." + text.substring(text.length() - keep);
    }
}
