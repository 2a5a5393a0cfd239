package io.basalt.testbed;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * tgtd, the reference iSCSI target (Debian package tgt), serving one file-backed LUN with CHAP on
 * {@code 127.0.0.1}. tgtd advertises the address it listens on in SendTargets, so a guest reaches
 * it through {@code testbed/guest/reach-host-loopback}. It exposes the disk as LUN 1 (LUN 0 is its
 * controller).
 */
public final class TgtdTarget implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** tgtd's management socket number must be below this. */
    private static final int CONTROL_PORT_LIMIT = 32768;

    private final Process process;
    private final int controlPort;
    private final int port;

    private TgtdTarget(Process process, int controlPort, int port) {
        this.process = process;
        this.controlPort = controlPort;
        this.port = port;
    }

    /** Starts tgtd and configures the target; the backing file is created sparse at {@code sizeBytes}. */
    public static TgtdTarget start(String iqn, Path backingFile, long sizeBytes, String chapUser, String chapSecret,
            Path log) {
        createSparse(backingFile, sizeBytes);
        int port = FreePort.onLoopback();
        int controlPort = unusedControlPort();
        Process process;
        try {
            process = new ProcessBuilder("tgtd", "-f", "-C", Integer.toString(controlPort),
                    "--iscsi", "portal=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tgtd (Debian package tgt)", e);
        }
        TgtdTarget target = new TgtdTarget(process, controlPort, port);
        try {
            target.awaitManagement();
            target.admin("--op", "new", "--mode", "target", "--tid", "1", "-T", iqn);
            target.admin("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1",
                    "-b", backingFile.toAbsolutePath().toString());
            target.admin("--op", "new", "--mode", "account", "--user", chapUser, "--password", chapSecret);
            target.admin("--op", "bind", "--mode", "account", "--tid", "1", "--user", chapUser);
            target.admin("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL");
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /** The portal tgtd listens on and advertises. */
    public String portal() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        // tgtd ignores SIGTERM while it has targets, and it keeps nothing worth a graceful stop here.
        process.destroyForcibly();
        try {
            process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitManagement() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new TestbedException("tgtd exited at startup with status " + process.exitValue());
            }
            try {
                admin("--op", "show", "--mode", "sys");
                return;
            } catch (TestbedException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new TestbedException("tgtd did not answer on management port " + controlPort, notYet);
                }
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private void admin(String... arguments) {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", Integer.toString(controlPort),
                "--lld", "iscsi"));
        command.addAll(List.of(arguments));
        HostCommand.run(COMMAND_TIMEOUT, command);
    }

    /** tgtd's management channel is the unix socket /var/run/tgtd/socket.N; another tgtd may hold some N. */
    private static int unusedControlPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(1000, CONTROL_PORT_LIMIT);
            if (!Files.exists(Path.of("/var/run/tgtd/socket." + candidate))) {
                return candidate;
            }
        }
        throw new TestbedException("no unused tgtd management port");
    }

    private static void createSparse(Path file, long sizeBytes) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(sizeBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create backing file " + file, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestbedException("interrupted while waiting for tgtd", e);
        }
    }
}
