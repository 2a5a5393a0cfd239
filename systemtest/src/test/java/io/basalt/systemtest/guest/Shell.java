package io.basalt.systemtest.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command in the guest with a time limit and captures what it printed. */
final class Shell {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    record Result(List<String> command, int exitCode, String output) {

        /** The output, failing when the command did not succeed. */
        String requireSuccess() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ": " + output);
            }
            return output;
        }
    }

    private Shell() {
    }

    static Result run(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = builder.start();
            // Output is small; reading it before waiting keeps the pipe from filling.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + LIMIT);
            }
            return new Result(List.of(command), process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
