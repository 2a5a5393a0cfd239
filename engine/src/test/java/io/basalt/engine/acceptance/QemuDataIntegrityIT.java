package io.basalt.engine.acceptance;

import io.basalt.engine.acceptance.initiator.Qemu;
import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.ChapCredentials;
import io.basalt.engine.acceptance.targets.RunningTarget;
import io.basalt.engine.acceptance.targets.TargetLauncher;
import io.basalt.engine.acceptance.targets.TargetSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Acceptance 2: data written through qemu's iSCSI initiator, logged in with CHAP, reads back
 * exactly, over the whole LUN, at request sizes from one sector to several MiB and at offsets
 * that are not sector aligned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuDataIntegrityIT {

    private static final long LUN_SIZE = 256L << 20;
    private static final int[] REQUEST_SIZES = {512, 4096, 65536, 1 << 20, 4 << 20};
    private static final ChapCredentials CHAP = new ChapCredentials("basalt-it", "data-it-chap-secret");
    private static final String IQN = "iqn.2026-11.io.basalt.test:data";

    private Workspace workspace;
    private RunningTarget target;
    private Qemu qemu;

    @BeforeAll
    void startTargetWithChap() {
        workspace = Workspace.forTest("data");
        Path backing = workspace.sparseFile("lun.img", LUN_SIZE);
        target = TargetLauncher.subject().start(TargetSpec.open(IQN, backing, LUN_SIZE).withChap(CHAP), workspace.logs());
        qemu = new Qemu(workspace.scratch(), Duration.ofMinutes(3));
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
        if (workspace != null) {
            workspace.close();
        }
    }

    @Test
    void aPatternWrittenOverTheWholeLunAtEachRequestSizeReadsBackIntact() {
        for (int i = 0; i < REQUEST_SIZES.length; i++) {
            int pattern = 0x11 * (i + 1);
            qemu.fill(target.url(), pattern, LUN_SIZE, REQUEST_SIZES[i], 16);

            qemu.io(target.url(), List.of(String.format("read -P 0x%02x 0 %d", pattern, LUN_SIZE)));
        }
    }

    @Test
    void writesAtUnalignedOffsetsChangeExactlyTheirBytes() {
        long[][] offsetAndLength = {
                {1, 3}, {511, 2}, {4095, 4098}, {65_537, 777}, {1_048_575, 70_001}, {LUN_SIZE - 4_099, 4_098},
        };
        List<String> backgrounds = new ArrayList<>();
        List<String> writes = new ArrayList<>();
        for (long[] region : offsetAndLength) {
            long around = Math.max(0, region[0] - 4096);
            long end = Math.min(LUN_SIZE, region[0] + region[1] + 4096);
            backgrounds.add(String.format("write -P 0x3c %d %d", around, end - around));
            writes.add(String.format("write -P 0xc3 %d %d", region[0], region[1]));
        }
        qemu.io(target.url(), backgrounds);
        qemu.io(target.url(), writes);

        List<String> checks = new ArrayList<>();
        for (long[] region : offsetAndLength) {
            long around = Math.max(0, region[0] - 4096);
            long end = Math.min(LUN_SIZE, region[0] + region[1] + 4096);
            checks.add(String.format("read -P 0xc3 %d %d", region[0], region[1]));
            if (region[0] > around && !overlapsAnother(offsetAndLength, region, around, region[0])) {
                checks.add(String.format("read -P 0x3c %d %d", around, region[0] - around));
            }
            long after = region[0] + region[1];
            if (end > after && !overlapsAnother(offsetAndLength, region, after, end)) {
                checks.add(String.format("read -P 0x3c %d %d", after, end - after));
            }
        }
        qemu.io(target.url(), checks);
    }

    private static boolean overlapsAnother(long[][] regions, long[] self, long from, long to) {
        for (long[] other : regions) {
            if (other != self && other[0] < to && other[0] + other[1] > from) {
                return true;
            }
        }
        return false;
    }

    @Test
    void randomDataCopiedOntoTheLunComparesEqualWithItsSource() throws IOException {
        Path source = workspace.scratch().resolve("random.raw");
        writeRandom(source, LUN_SIZE, 0xBA5A17L);

        qemu.copyOnto(source, target.url());
        ExternalCommand.Result comparison = qemu.compare(source, target.url());

        assertThat(comparison.exitCode()).as(comparison.stdout() + comparison.stderr()).isZero();
    }

    @Test
    void aLoginWithTheWrongChapSecretIsRefused() {
        String wrongSecretUrl = target.url().replace(CHAP.secret(), "not-the-secret-at-all");

        assertThatThrownBy(() -> qemu.io(wrongSecretUrl, List.of("read 0 4k")))
                .hasMessageContaining("Authentication failure");
    }

    private static void writeRandom(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }
}
