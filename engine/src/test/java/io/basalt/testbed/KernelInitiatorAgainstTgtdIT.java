package io.basalt.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test bed's own check against the reference target: the guest's kernel initiator keeps an
 * ext4 filesystem's files across logout and login on a tgtd LUN with CHAP. Basalt's target runs
 * the same guest script in {@code io.basalt.engine.iscsi.KernelInitiatorIT}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KernelInitiatorAgainstTgtdIT {

    private static final String IQN = "iqn.2026-01.io.basalt.testbed:tgtd";
    private static final String CHAP_USER = "testbed-initiator";
    private static final String CHAP_SECRET = "tgtd-chap-secret-16";

    @BeforeAll
    static void prepareTheGuest() {
        KernelVm.prepare();
    }

    @Test
    void filesWrittenThroughTheKernelInitiatorSurviveLogoutAndLogin(@TempDir Path dir) {
        try (TgtdTarget tgtd = TgtdTarget.start(IQN, dir.resolve("lun.img"), 256L << 20, CHAP_USER, CHAP_SECRET,
                dir.resolve("tgtd.log"))) {

            KernelVm.Result result = KernelVm.builder().timeout(Duration.ofMinutes(6)).build().run(
                    Repository.file("testbed/guest/reach-host-loopback"),
                    Repository.file("testbed/guest/iscsi-filesystem-roundtrip").toString(),
                    "--portal", tgtd.portal(), "--target", IQN,
                    "--chap-user", CHAP_USER, "--chap-secret", CHAP_SECRET);

            // The guest's step lines carry its uptime: the test report keeps them as a timing record.
            System.out.println(result.describe());
            assertThat(result.exitCode()).as(result.describe()).isZero();
            assertThat(result.stdout()).as(result.describe())
                    .contains("checksums match")
                    .endsWith("roundtrip: ok\n");
        }
    }
}
