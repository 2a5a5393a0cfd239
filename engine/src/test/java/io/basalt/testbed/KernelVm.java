package io.basalt.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script as root inside the QEMU guest of {@code testbed/kernel-vm}: a Debian kernel with
 * iscsi_tcp, this machine's filesystem visible read-only, writable /tmp, /mnt and /etc/iscsi,
 * iscsid running and this machine's loopback reachable at {@value #HOST_ADDRESS}. The script's
 * output and exit status come back in a {@link Result}. See {@code testbed/kernel-vm} for details.
 */
public final class KernelVm {

    /** The address at which the guest reaches this machine's loopback. */
    public static final String HOST_ADDRESS = "10.0.2.2";

    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(15);
    /** Time kernel-vm needs beyond its own timeout to stop QEMU and report. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final List<String> options;
    private final Duration timeout;

    private KernelVm(List<String> options, Duration timeout) {
        this.options = List.copyOf(options);
        this.timeout = timeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Installs what the guest needs (when running as root) and builds its cached initramfs. */
    public static void prepare() {
        HostCommand.run(PREPARE_TIMEOUT, script().toString(), "prepare");
    }

    /** Boots the guest, runs {@code guestScript args...} in it as root and returns how it ended. */
    public Result run(Path guestScript, String... args) {
        List<String> command = new ArrayList<>();
        command.add(script().toString());
        command.add("run");
        command.addAll(options);
        command.add("--timeout");
        command.add(Long.toString(timeout.toSeconds()));
        command.add("--");
        command.add(guestScript.toAbsolutePath().toString());
        command.addAll(List.of(args));

        try (TemporaryFile stdout = TemporaryFile.create("kernel-vm-stdout");
                TemporaryFile stderr = TemporaryFile.create("kernel-vm-stderr")) {
            long started = System.nanoTime();
            Process process = new ProcessBuilder(command)
                    .redirectOutput(stdout.path().toFile())
                    .redirectError(stderr.path().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            waitBounded(process, guestScript);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new Result(process.exitValue(), stdout.read(), stderr.read(), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kernel-vm for " + guestScript, e);
        }
    }

    /**
     * kernel-vm enforces the timeout itself; this bound only catches kernel-vm itself hanging. Its
     * cleanup trap stops QEMU on SIGTERM, so that is tried before SIGKILL. Messages name only the
     * guest script: its arguments may carry secrets.
     */
    private void waitBounded(Process process, Path guestScript) {
        try {
            if (process.waitFor(timeout.plus(STOP_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            throw new TestbedException("kernel-vm running " + guestScript + " did not stop after "
                    + timeout.plus(STOP_GRACE));
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted while the guest ran", e);
        }
    }

    private static Path script() {
        return Repository.file("testbed/kernel-vm");
    }

    /** How a guest script ended: its exit status (124: timed out, 125: the guest failed), output and duration. */
    public record Result(int exitCode, String stdout, String stderr, Duration elapsed) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Everything the run printed, for assertion messages. */
        public String describe() {
            return "exit " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout\n" + stdout
                    + "--- stderr\n" + stderr;
        }
    }

    /** Options of one guest run; every one has a sensible default. */
    public static final class Builder {

        private final List<String> options = new ArrayList<>();
        private Duration timeout = Duration.ofMinutes(5);

        private Builder() {
        }

        /** Makes {@code 127.0.0.1:hostPort} on this machine reach {@code guestPort} in the guest. */
        public Builder forward(int hostPort, int guestPort) {
            return option("--forward", hostPort + ":" + guestPort);
        }

        /** Shares {@code hostDirectory} writable with the guest, at {@code /mnt/<tag>}. */
        public Builder share(Path hostDirectory, String tag) {
            return option("--share", hostDirectory.toAbsolutePath() + ":" + tag);
        }

        /** Sets an environment variable for the guest script. */
        public Builder env(String name, String value) {
            return option("--env", name + "=" + value);
        }

        /** The guest's iSCSI InitiatorName (default: one stable name per machine). */
        public Builder initiatorName(String iqn) {
            return option("--initiator-name", iqn);
        }

        public Builder memoryMegabytes(int megabytes) {
            return option("--memory", Integer.toString(megabytes));
        }

        public Builder cpus(int cpus) {
            return option("--cpus", Integer.toString(cpus));
        }

        /** After this long the guest is stopped and the run ends with exit status 124. */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout);
            return this;
        }

        public KernelVm build() {
            return new KernelVm(options, timeout);
        }

        private Builder option(String name, String value) {
            options.add(name);
            options.add(value);
            return this;
        }
    }
}
