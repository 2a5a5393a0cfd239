package io.basalt.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Basalt's iSCSI target as a separate process: {@code java -jar basalt-engine.jar target ...},
 * started from the shaded jar the build produced, and ready once it logged so.
 */
public final class EngineTargetProcess implements AutoCloseable {

    private static final String READY_MESSAGE = "iSCSI target ready";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path log;

    private EngineTargetProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code target} with the given options, logging to {@code log}, and waits until it is ready.
     * The jar is the one named by the system property {@code basalt.engine.jar} (set by the build),
     * else {@code engine/target/basalt-engine.jar}.
     */
    public static EngineTargetProcess start(Path log, List<String> targetOptions) {
        List<String> command = new ArrayList<>(List.of(currentJava(), "-jar", engineJar().toString(), "target"));
        command.addAll(targetOptions);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the engine's target", e);
        }
        EngineTargetProcess target = new EngineTargetProcess(process, log);
        try {
            target.awaitReady();
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** Sends SIGTERM and returns the exit status; a target that does not stop in time is killed. */
    public int stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new TestbedException("the target did not stop within " + STOP_TIMEOUT + " of SIGTERM");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted while stopping the target", e);
        }
    }

    /** What the target logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the target's log " + log, e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (!log().contains(READY_MESSAGE)) {
            if (!process.isAlive()) {
                throw new TestbedException("the target exited with status " + process.exitValue()
                        + " before it was ready:\n" + log());
            }
            if (System.nanoTime() > deadline) {
                throw new TestbedException("the target was not ready within " + STARTUP_TIMEOUT + ":\n" + log());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestbedException("interrupted while waiting for the target", e);
            }
        }
    }

    private static Path engineJar() {
        String configured = System.getProperty("basalt.engine.jar");
        Path jar = configured != null ? Path.of(configured) : Repository.file("engine/target/basalt-engine.jar");
        if (!Files.isRegularFile(jar)) {
            throw new TestbedException("no engine jar at " + jar + " (build it with: ./mvnw -pl engine package)");
        }
        return jar;
    }

    private static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new TestbedException("cannot tell which java runs this test"));
    }
}
