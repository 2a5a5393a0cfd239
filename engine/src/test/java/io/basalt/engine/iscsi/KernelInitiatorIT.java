package io.basalt.engine.iscsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testbed.EngineTargetProcess;
import io.basalt.testbed.FreePort;
import io.basalt.testbed.KernelVm;
import io.basalt.testbed.Repository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own iSCSI initiator (open-iscsi and iscsi_tcp in a QEMU guest, see testbed/kernel-vm)
 * against the engine's target as shipped: the shaded jar's {@code target} command.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KernelInitiatorIT {

    private static final String IQN = "iqn.2026-01.io.basalt:kernel-initiator";
    private static final String CHAP_USER = "kernel-initiator";
    private static final String CHAP_SECRET = "kernel-chap-secret-16";

    @BeforeAll
    static void prepareTheGuest() {
        KernelVm.prepare();
    }

    @Test
    void filesWrittenOnExt4SurviveLogoutAndLoginWithChap(@TempDir Path dir) {
        int port = FreePort.onLoopback();
        // The guest reaches this machine's loopback at 10.0.2.2, so that is the portal to advertise.
        String portal = KernelVm.HOST_ADDRESS + ":" + port;
        try (EngineTargetProcess target = EngineTargetProcess.start(dir.resolve("target.log"), List.of(
                "--iqn", IQN, "--listen", "127.0.0.1:" + port, "--advertise", portal,
                "--backing-file", dir.resolve("lun.img").toString(), "--size", "256M",
                "--chap-user", CHAP_USER, "--chap-secret", CHAP_SECRET))) {

            KernelVm.Result result = KernelVm.builder().timeout(Duration.ofMinutes(6)).build().run(
                    Repository.file("testbed/guest/iscsi-filesystem-roundtrip"),
                    "--portal", portal, "--target", IQN, "--chap-user", CHAP_USER, "--chap-secret", CHAP_SECRET);

            // The guest's step lines carry its uptime: the test report keeps them as a timing record.
            System.out.println(result.describe());
            assertThat(result.exitCode()).as(result.describe() + "\n--- target log\n" + target.log()).isZero();
            assertThat(result.stdout()).as(result.describe())
                    .contains("-lun-0 -> /dev/sd")
                    .contains("(268435456 bytes)")
                    .contains("checksums match")
                    .endsWith("roundtrip: ok\n");
            assertThat(target.stop()).as("exit status after SIGTERM\n" + target.log()).isZero();
        }
    }
}
