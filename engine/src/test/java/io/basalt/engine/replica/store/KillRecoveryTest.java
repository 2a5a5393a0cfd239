package io.basalt.engine.replica.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed with SIGKILL loses nothing it flushed and exposes nothing half written. */
class KillRecoveryTest {

    @TempDir
    Path directory;

    @Test
    @Timeout(120)
    void everyFlushedWriteSurvivesKill9AndUnflushedBlocksAreOldOrNewButWhole() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString());
        Process writer = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), FlushingWriterProcess.class.getName(), directory.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String last = "";
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (!last.equals("flushed " + (FlushingWriterProcess.FLUSHED - 1))
                        && (line = output.readLine()) != null) {
                    last = line;
                }
            }
            assertThat(last).isEqualTo("flushed " + (FlushingWriterProcess.FLUSHED - 1));
            Thread.sleep(200);
        } finally {
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }

        try (ReplicaPool pool = ReplicaPool.open(directory)) {
            Replica replica = pool.replica("vol");
            for (int block = 0; block < FlushingWriterProcess.BLOCKS; block++) {
                byte[] content = replica.read((long) block * Blocks.SIZE, Blocks.SIZE);
                if (block < FlushingWriterProcess.FLUSHED) {
                    assertThat(content).as("flushed block %d", block).isEqualTo(Content.pattern(block, Blocks.SIZE));
                } else if (block >= FlushingWriterProcess.UNFLUSHED_FROM) {
                    assertThat(content).as("unflushed block %d", block)
                            .isIn(new byte[Blocks.SIZE], Content.pattern(block, Blocks.SIZE));
                } else {
                    assertThat(content).as("never written block %d", block).isEqualTo(new byte[Blocks.SIZE]);
                }
            }
        }
    }
}
