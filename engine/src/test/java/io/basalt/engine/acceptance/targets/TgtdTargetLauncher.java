package io.basalt.engine.acceptance.targets;

import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.testbed.FreePort;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Runs tgtd (Debian package tgt), the reference target, on its own control channel and loopback
 * portal. tgtd keeps LUN 0 for its controller device, so the disk is LUN 1.
 */
public final class TgtdTargetLauncher implements TargetLauncher {

    private static final Duration TGTADM_LIMIT = Duration.ofSeconds(30);
    /** tgtd ignores SIGTERM, and holds nothing the tests need afterwards: it is killed outright. */
    private static final Duration STOP_GRACE = Duration.ZERO;

    /** Whether tgtd and tgtadm are installed here, and we may run them (tgtd needs root). */
    public static boolean available() {
        return Stream.of("tgtd", "tgtadm").allMatch(TgtdTargetLauncher::onPath) && runningAsRoot();
    }

    private static boolean runningAsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(line -> line.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    @Override
    public String name() {
        return "tgtd";
    }

    @Override
    public RunningTarget start(TargetSpec spec, Path workDir) {
        ensureBackingFile(spec);
        String host = "127.0.0.1";
        int port = FreePort.onLoopback();
        String controlPort = Integer.toString(freeControlPort());
        Path log = workDir.resolve("tgtd-" + port + ".log");
        Process process = RunningTarget.startLogged(new ProcessBuilder(
                "tgtd", "-f", "-C", controlPort, "--iscsi", "portal=" + host + ":" + port), log);
        RunningTarget target = new RunningTarget(name(), process, log, host, port, spec.iqn(), 1, spec.chap(),
                STOP_GRACE);
        try {
            awaitControlChannel(controlPort, process, workDir);
            tgtadm(controlPort, workDir, "--mode", "target", "--op", "new", "--tid", "1", "--targetname", spec.iqn());
            tgtadm(controlPort, workDir, "--mode", "logicalunit", "--op", "new", "--tid", "1", "--lun", "1",
                    "--backing-store", spec.backingFile().toAbsolutePath().toString());
            if (spec.allowedInitiators().isEmpty()) {
                tgtadm(controlPort, workDir, "--mode", "target", "--op", "bind", "--tid", "1", "--initiator-address", "ALL");
            }
            for (String initiator : spec.allowedInitiators()) {
                tgtadm(controlPort, workDir, "--mode", "target", "--op", "bind", "--tid", "1", "--initiator-name", initiator);
            }
            if (spec.chap().isPresent()) {
                ChapCredentials chap = spec.chap().get();
                tgtadm(controlPort, workDir, "--mode", "account", "--op", "new", "--user", chap.user(), "--password", chap.secret());
                tgtadm(controlPort, workDir, "--mode", "account", "--op", "bind", "--tid", "1", "--user", chap.user());
            }
            target.awaitListening();
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private static void ensureBackingFile(TargetSpec spec) {
        try (RandomAccessFile file = new RandomAccessFile(spec.backingFile().toFile(), "rw")) {
            if (file.length() != spec.sizeBytes()) {
                file.setLength(spec.sizeBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot size backing file " + spec.backingFile(), e);
        }
    }

    /** tgtd names its management socket after the control port (at most 32767); pick one no other tgtd uses. */
    private static int freeControlPort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(1000, 32768);
            if (!Files.exists(Path.of("/var/run/tgtd/socket." + candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free tgtd control port");
    }

    private static void awaitControlChannel(String controlPort, Process process, Path workDir) {
        long deadline = System.nanoTime() + TGTADM_LIMIT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            ExternalCommand.Result probe = ExternalCommand.run(
                    List.of("tgtadm", "-C", controlPort, "--lld", "iscsi", "--mode", "target", "--op", "show"),
                    workDir, TGTADM_LIMIT);
            if (probe.exitCode() == 0) {
                return;
            }
            RunningTarget.sleep(Duration.ofMillis(100));
        }
        throw new RunningTarget.TargetStartException("tgtd control channel " + controlPort + " did not come up");
    }

    private static void tgtadm(String controlPort, Path workDir, String... arguments) {
        List<String> command = new ArrayList<>(List.of("tgtadm", "-C", controlPort, "--lld", "iscsi"));
        command.addAll(List.of(arguments));
        ExternalCommand.run(command, workDir, TGTADM_LIMIT).requireSuccess();
    }
}
