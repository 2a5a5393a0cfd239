package io.basalt.engine.acceptance.targets;

import io.basalt.engine.acceptance.process.Processes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** A target process the tests started; closing it stops the process (SIGTERM, then SIGKILL). */
public final class RunningTarget implements AutoCloseable {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);

    private final String name;
    private final Process process;
    private final Path log;
    private final String host;
    private final int port;
    private final String iqn;
    private final int lun;
    private final Optional<ChapCredentials> chap;
    private final Duration stopGrace;

    RunningTarget(String name, Process process, Path log, String host, int port, String iqn, int lun,
                  Optional<ChapCredentials> chap, Duration stopGrace) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.host = host;
        this.port = port;
        this.iqn = iqn;
        this.lun = lun;
        this.chap = chap;
        this.stopGrace = stopGrace;
    }

    public String name() {
        return name;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String iqn() {
        return iqn;
    }

    public int lun() {
        return lun;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** libiscsi/qemu URL of the LUN, carrying the CHAP credentials when the target requires them. */
    public String url() {
        String credentials = chap.map(c -> encode(c.user()) + "%" + encode(c.secret()) + "@").orElse("");
        return "iscsi://" + credentials + host + ":" + port + "/" + iqn + "/" + lun;
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }

    /** The last part of the target's log, for failure messages. */
    public String logTail() {
        try {
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    void awaitListening() {
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new TargetStartException(name + " exited with " + process.exitValue() + " before listening on "
                        + host + ":" + port + "\n" + logTail());
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(host, port), 500);
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(100));
            }
        }
        close();
        throw new TargetStartException(name + " did not listen on " + host + ":" + port + " within " + STARTUP_LIMIT
                + "\n" + logTail());
    }

    /** Kills the target with SIGKILL, as a crash would, and waits for it to be gone. */
    public void killNine() {
        Processes.killTree(process.toHandle(), stopGrace);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Processes.terminate(process, stopGrace);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Process startLogged(ProcessBuilder builder, Path log) {
        try {
            Files.createDirectories(log.getParent());
            return builder.redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + builder.command(), e);
        }
    }

    /** The target could not be brought up. */
    public static final class TargetStartException extends RuntimeException {
        public TargetStartException(String message) {
            super(message);
        }
    }
}
