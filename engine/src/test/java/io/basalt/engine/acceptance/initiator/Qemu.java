package io.basalt.engine.acceptance.initiator;

import io.basalt.engine.acceptance.process.ExternalCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * qemu's block tools as an iSCSI initiator (packages qemu-utils and qemu-block-extra, whose
 * libiscsi driver opens {@code iscsi://} URLs). Each call fails with the tool's output when the
 * tool reports an error, including a pattern mismatch on {@code read -P}.
 */
public final class Qemu {

    private final Path workDir;
    private final Duration limit;

    public Qemu(Path workDir, Duration limit) {
        this.workDir = workDir;
        this.limit = limit;
    }

    /** Runs {@code qemu-io} commands (e.g. {@code write -P 0x5a 0 4k}) in one session on the raw image. */
    public ExternalCommand.Result io(String url, List<String> commands) {
        List<String> command = new ArrayList<>(List.of("qemu-io", "-f", "raw"));
        commands.forEach(c -> command.addAll(List.of("-c", c)));
        command.add(url);
        ExternalCommand.Result result = ExternalCommand.run(command, workDir, limit).requireSuccess();
        if (result.stdout().contains("verification failed") || result.stdout().contains("failed:")) {
            throw new ExternalCommand.CommandFailedException(command, result.exitCode(), result.stdout(), result.stderr());
        }
        return result;
    }

    /**
     * Writes {@code pattern} over {@code length} bytes from offset 0 in requests of {@code requestSize}
     * bytes, {@code depth} in flight ({@code qemu-img bench -w --pattern}).
     */
    public ExternalCommand.Result fill(String url, int pattern, long length, int requestSize, int depth) {
        return ExternalCommand.run(List.of("qemu-img", "bench", "-f", "raw", "-w",
                "--pattern=" + pattern, "-s", Integer.toString(requestSize), "-c", Long.toString(length / requestSize),
                "-d", Integer.toString(depth), url), workDir, limit).requireSuccess();
    }

    /** Copies a local raw file onto the existing LUN ({@code qemu-img convert -n}). */
    public ExternalCommand.Result copyOnto(Path localRaw, String url) {
        return ExternalCommand.run(List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw",
                localRaw.toString(), url), workDir, limit).requireSuccess();
    }

    /** Compares a local raw file with the LUN byte for byte; the result's exit code is 0 when identical. */
    public ExternalCommand.Result compare(Path localRaw, String url) {
        return ExternalCommand.run(List.of("qemu-img", "compare", "-s", "-f", "raw", "-F", "raw",
                localRaw.toString(), url), workDir, limit);
    }
}
