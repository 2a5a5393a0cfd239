package io.basalt.driver.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs commands as child processes, in the C locale so that their output parses the same everywhere. */
public final class ProcessCommandRunner implements CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandRunner.class);
    /** Enough for any output the driver parses; a runaway program must not fill the heap. */
    private static final int MAX_CAPTURED_BYTES = 256 * 1024;

    @Override
    public CommandResult execute(Command command) {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        builder.environment().put("LC_ALL", "C");
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw CommandException.notStarted(command, e);
        }
        Future<String> stdout = capture(process.getInputStream());
        Future<String> stderr = capture(process.getErrorStream());
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
                throw CommandException.timedOut(command, collected(stdout), collected(stderr));
            }
            CommandResult result = new CommandResult(process.exitValue(), collected(stdout), collected(stderr));
            LOG.atDebug().addKeyValue("command", command.display())
                    .addKeyValue("exitCode", result.exitCode())
                    .addKeyValue("durationMicros", (System.nanoTime() - started) / 1_000)
                    .log("ran {}", command.program());
            return result;
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw CommandException.interrupted(command);
        }
    }

    private static Future<String> capture(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> readCapped(stream));
        Thread.ofVirtual().name("command-output").start(task);
        return task;
    }

    private static String readCapped(InputStream stream) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (stream) {
            int read;
            while ((read = stream.read(buffer)) >= 0) {
                int room = MAX_CAPTURED_BYTES - kept.size();
                kept.write(buffer, 0, Math.min(room, read)); // beyond the cap, keep draining so the child never blocks
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** The output gathered so far; a killed process's pipes close, so this returns promptly. */
    private static String collected(Future<String> output) throws InterruptedException {
        try {
            return output.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return "";
        }
    }
}
