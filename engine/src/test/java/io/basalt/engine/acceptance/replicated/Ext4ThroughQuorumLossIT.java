package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.management.v1.Health;
import io.basalt.testbed.KernelVm;
import io.basalt.testbed.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ext4 on a replicated volume through Linux's own initiator (in the QEMU guest of testbed/kernel-vm)
 * while two of the volume's three pools are killed with SIGKILL and started again: the writes wait
 * for the quorum instead of failing, so the file system gets no I/O error to turn read-only over,
 * and every file it fsynced reads back.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class Ext4ThroughQuorumLossIT {

    private static final long SIZE = 256L << 20;
    private static final Duration GUEST_LIMIT = Duration.ofMinutes(10);

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @BeforeAll
    static void prepareTheGuest() {
        KernelVm.prepare();
    }

    @Test
    void ext4StaysWritableAndKeepsEveryFileWhenTwoPoolsAreKilledAndStartedAgain(@TempDir Path signals)
            throws Exception {
        ReplicatedVolume volume = fixture.cluster().healthyVolumeAdvertisedAt(KernelVm.HOST_ADDRESS, "vol-ext4",
                SIZE, List.of(0, 1, 2));
        String portal = KernelVm.HOST_ADDRESS + ":" + volume.iscsiPort();
        FutureTask<KernelVm.Result> guest = new FutureTask<>(() -> KernelVm.builder()
                .share(signals, "signals").timeout(GUEST_LIMIT).build()
                .run(Repository.file("testbed/guest/ext4-through-quorum-loss"), "--portal", portal,
                        "--target", volume.iqn(), "--signals", "/mnt/signals"));
        Thread.ofPlatform().name("guest").daemon().start(guest);
        await().atMost(GUEST_LIMIT).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(signals.resolve("writing")) || guest.isDone());
        assertThat(guest.isDone()).as("the guest ended before it started writing: %s",
                guest.isDone() ? guest.get() : null).isFalse();

        fixture.cluster().killNineTogether(List.of(1, 2));
        volume.awaitHealth(Health.OFFLINE);
        fixture.cluster().startTogether(List.of(1, 2));
        volume.awaitHealth(Health.HEALTHY);
        Files.createFile(signals.resolve("recovered"));

        KernelVm.Result result = guest.get(GUEST_LIMIT.toMinutes() + 1, TimeUnit.MINUTES);
        // The guest's step lines carry its uptime: the test report keeps them as a timing record.
        System.out.println(result.describe());
        assertThat(result.exitCode()).as(result.describe() + "\n--- target log\n" + volume.logTail()).isZero();
        assertThat(result.stdout()).as(result.describe())
                .contains("still mounted read-write, no I/O error logged", "checksums match")
                .endsWith("quorum-loss: ok\n");
    }
}
