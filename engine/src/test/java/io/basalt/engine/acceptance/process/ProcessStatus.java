package io.basalt.engine.acceptance.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Resource use of a live process as the kernel reports it in /proc. */
public record ProcessStatus(long residentKiB, int threads, int openFileDescriptors) {

    public static ProcessStatus of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long rss = -1;
            int threads = -1;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            int fds;
            try (Stream<Path> entries = Files.list(proc.resolve("fd"))) {
                fds = (int) entries.count();
            }
            return new ProcessStatus(rss, threads, fds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc status of process " + pid, e);
        }
    }

    @Override
    public String toString() {
        return "RSS " + residentKiB / 1024 + " MiB, " + threads + " threads, " + openFileDescriptors + " fds";
    }
}
