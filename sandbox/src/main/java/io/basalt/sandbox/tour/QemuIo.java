package io.basalt.sandbox.tour;

import io.basalt.sandbox.SandboxException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * qemu's iSCSI initiator ({@code qemu-io -f raw} on an {@code iscsi://} URL, packages qemu-utils and
 * qemu-block-extra): each call is one login, the given commands, and a logout.
 */
public final class QemuIo {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final Path workDirectory;

    public QemuIo(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    /** The LUN's URL with CHAP credentials in it, as libiscsi reads them. */
    public static String url(String portal, String iqn, String user, String secret) {
        return "iscsi://" + encode(user) + "%" + encode(secret) + "@" + portal + "/" + iqn + "/0";
    }

    /**
     * Runs {@code commands} (e.g. {@code write -P 0x5a 0 1M}) in one session and returns qemu-io's
     * output; a failed command or a pattern mismatch is a {@link SandboxException} with that output.
     */
    public String run(String url, List<String> commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        commands.forEach(c -> command.addAll(List.of("-c", c)));
        command.add(url);
        try {
            Files.createDirectories(workDirectory);
            Path output = Files.createTempFile(workDirectory, "qemu-io", ".out");
            Process process = new ProcessBuilder(command).directory(workDirectory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new SandboxException("qemu-io did not finish within " + LIMIT + ": " + commands);
            }
            String text = Files.readString(output);
            Files.delete(output);
            if (process.exitValue() != 0 || text.contains("verification failed") || text.contains("failed:")) {
                throw new SandboxException("qemu-io " + commands + " failed (exit " + process.exitValue() + "):\n"
                        + text.replace(url, "iscsi://<credentials>@..."));
            }
            return text;
        } catch (IOException e) {
            throw new SandboxException("cannot run qemu-io (install qemu-utils and qemu-block-extra): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while qemu-io ran", e);
        }
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8);
    }
}
