package io.basalt.engine.acceptance.pool;

import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.testbed.FreePort;
import io.basalt.engine.acceptance.process.Processes;
import io.basalt.engine.acceptance.process.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A pool server from the shaded jar on a fixed directory and management port, started and stopped by a test. */
public final class PoolServerProcess implements AutoCloseable {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(30);

    private final Path jar = Path.of(System.getProperty("basalt.engine.jar", "target/basalt-engine.jar"));
    private final Workspace workspace;
    private final Path dir;
    private final List<String> extraOptions;
    private final String mgmt;
    private Process process;
    private int starts;

    /** {@code extraOptions} go to every start, after {@code --dir} and {@code --mgmt}. */
    public PoolServerProcess(Workspace workspace, Path dir, List<String> extraOptions) {
        this.workspace = workspace;
        this.dir = dir;
        this.extraOptions = extraOptions;
        this.mgmt = "127.0.0.1:" + FreePort.onLoopback();
    }

    /** HOST:PORT of its management API, the same across restarts. */
    public String mgmt() {
        return mgmt;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the server and waits until it says it is ready. */
    public void start() throws IOException, InterruptedException {
        Path log = workspace.logs().resolve(dir.getFileName() + "-" + (++starts) + ".log");
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toAbsolutePath().toString(), "pool",
                "--dir", dir.toString(), "--mgmt", mgmt));
        command.addAll(extraOptions);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (output.contains("replica pool ready")) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("pool exited with " + process.exitValue() + ":\n" + output);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("pool not ready within " + STARTUP_LIMIT + ":\n" + Files.readString(log));
    }

    public void killNine() {
        Processes.killTree(process.toHandle(), Duration.ofSeconds(10));
        process = null;
    }

    /** Sends SIGTERM and returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        int exit = process.waitFor();
        process = null;
        return exit;
    }

    /** Runs {@code ctl --pool} against this server; fails unless it exits with 0. */
    public String ctl(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar.toAbsolutePath().toString(), "ctl",
                "--pool", mgmt));
        command.addAll(List.of(args));
        return ExternalCommand.run(command, workspace.logs(), Duration.ofSeconds(30)).requireSuccess().stdout();
    }

    @Override
    public void close() {
        if (process != null) {
            Processes.terminate(process, Duration.ofSeconds(10));
            process = null;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
