package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Space a directory really occupies on disk (allocated blocks, not apparent file sizes). */
final class DiskUsage {

    private DiskUsage() {
    }

    static long of(Path directory) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-s", "-B1", directory.toString()).redirectErrorStream(true).start();
        String output = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (du.waitFor() != 0) {
            throw new IOException("du failed: " + output);
        }
        return Long.parseLong(output.split("\\s+")[0]);
    }
}
