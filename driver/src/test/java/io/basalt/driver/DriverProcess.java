package io.basalt.driver;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged driver jar run as its own process, the way a node runs it. */
final class DriverProcess implements AutoCloseable {

    private static final Path JAR = Path.of(System.getProperty("basalt.driver.jar"));

    private final Process process;
    private final Path output;

    private DriverProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static DriverProcess start(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "driver", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        return new DriverProcess(process, output);
    }

    /** Starts the driver and waits until its log says it is ready. */
    static DriverProcess startReady(Path workDir, String... args) throws IOException {
        DriverProcess driver = start(workDir, args);
        await().atMost(Duration.ofSeconds(30)).until(() -> driver.output().contains("driver ready") || !driver.isAlive());
        if (!driver.isAlive()) {
            throw new IllegalStateException("driver exited: " + driver.output());
        }
        return driver;
    }

    int awaitExit() throws InterruptedException, IOException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("driver did not exit: " + output());
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void terminate() {
        process.destroy();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
