package io.basalt.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command on the host with a deadline and fails with its output when it does not succeed. */
public final class HostCommand {

    private HostCommand() {
    }

    /** Runs the command and returns its standard output and error, merged. */
    public static String run(Duration timeout, List<String> command) {
        String shown = String.join(" ", command);
        try (TemporaryFile output = TemporaryFile.create("host-command")) {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.path().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new TestbedException("timed out after " + timeout + ": " + shown + "\n" + output.read());
            }
            if (process.exitValue() != 0) {
                throw new TestbedException("exit " + process.exitValue() + ": " + shown + "\n" + output.read());
            }
            return output.read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + shown, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted while running " + shown, e);
        }
    }

    public static String run(Duration timeout, String... command) {
        return run(timeout, List.of(command));
    }
}
