package io.basalt.engine.acceptance;

import io.basalt.engine.acceptance.client.IscsiTestClient;
import io.basalt.engine.acceptance.process.LiveHeap;
import io.basalt.engine.acceptance.process.ProcessStatus;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.BasaltTargetLauncher;
import io.basalt.engine.acceptance.targets.RunningTarget;
import io.basalt.engine.acceptance.targets.TargetLauncher;
import io.basalt.engine.acceptance.targets.TargetSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Acceptance 4, over time: 10,000 connections must leave the target as they found it. Resource
 * use is read after 1,000 cycles (everything lazily created exists by then) and after 10,000:
 * threads and open descriptors must not grow, nor the heap still in use after a full collection
 * (where leaked sessions would stay). Resident memory may grow only within a margin: the heap is
 * committed and touched at start, so what is left is the JIT's code and Netty's buffer arenas.
 */
class ConnectionChurnIT {

    private static final int CYCLES = 10_000;
    private static final int WARMED_UP = 1_000;
    private static final long LUN_SIZE = 16L << 20;
    private static final String IQN = "iqn.2026-11.io.basalt.test:churn";
    private static final String INITIATOR = "iqn.2026-11.io.basalt.test:churn-initiator";
    /** Threads and descriptors may differ by a few between samples (a GC or timer thread, a closing socket). */
    private static final int THREAD_SLACK = 2;
    private static final int DESCRIPTOR_SLACK = 8;
    private static final double RESIDENT_GROWTH_FACTOR = 1.25;
    private static final long RESIDENT_SLACK_KIB = 64 * 1024;
    /** A leak of even a few hundred bytes per connection would exceed this over 9,000 connections. */
    private static final long LIVE_HEAP_SLACK_KIB = 1024;

    private Workspace workspace;
    private RunningTarget target;
    private boolean jvmTarget;

    @BeforeEach
    void startTarget() {
        workspace = Workspace.forTest("churn");
        TargetLauncher launcher = TargetLauncher.subject();
        jvmTarget = launcher instanceof BasaltTargetLauncher;
        if (launcher instanceof BasaltTargetLauncher basalt) {
            launcher = basalt.withJvmOptions(List.of("-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch"));
        }
        target = launcher.start(TargetSpec.open(IQN, workspace.sparseFile("lun.img", LUN_SIZE), LUN_SIZE), workspace.logs());
    }

    @AfterEach
    void stopTarget() {
        if (target != null) {
            target.close();
        }
        workspace.close();
    }

    @Test
    void tenThousandLoginLogoutCyclesLeaveNoGrowthInThreadsDescriptorsOrMemory() throws IOException {
        assertNoGrowthOver("login-logout", () -> {
            try (IscsiTestClient client = IscsiTestClient.connect(target.host(), target.port())) {
                client.login(INITIATOR, IQN, false);
                client.logout();
            }
        });
    }

    @Test
    void tenThousandBareConnectDisconnectCyclesLeaveNoGrowthInThreadsDescriptorsOrMemory() throws IOException {
        assertNoGrowthOver("connect-disconnect", () -> IscsiTestClient.connect(target.host(), target.port()).close());
    }

    private interface Cycle {
        void run() throws IOException;
    }

    private void assertNoGrowthOver(String kind, Cycle cycle) throws IOException {
        ProcessStatus warm = null;
        long warmHeap = -1;
        for (int i = 1; i <= CYCLES; i++) {
            cycle.run();
            if (i == WARMED_UP) {
                warm = settled();
                warmHeap = liveHeapKiB();
            }
        }
        ProcessStatus warmed = warm;
        ProcessStatus end = settled();
        long endHeap = liveHeapKiB();
        workspace.writeReport("churn-" + kind + "-" + target.name() + ".txt", "after " + WARMED_UP + ": " + warmed
                + ", live heap " + warmHeap + " KiB\nafter " + CYCLES + ": " + end + ", live heap " + endHeap + " KiB\n");

        assertThat(target.isAlive()).as("target survived").isTrue();
        assertThat(end.threads()).as("threads after %d cycles vs %d: %s vs %s", CYCLES, WARMED_UP, end, warmed)
                .isLessThanOrEqualTo(warmed.threads() + THREAD_SLACK);
        assertThat(end.openFileDescriptors()).as("descriptors: %s vs %s", end, warmed)
                .isLessThanOrEqualTo(warmed.openFileDescriptors() + DESCRIPTOR_SLACK);
        if (warmHeap >= 0) {
            assertThat(endHeap).as("live heap after a full GC: %d KiB vs %d KiB", endHeap, warmHeap)
                    .isLessThanOrEqualTo(warmHeap + LIVE_HEAP_SLACK_KIB);
        }
        assertThat(end.residentKiB()).as("resident memory: %s vs %s", end, warmed)
                .isLessThanOrEqualTo((long) (warmed.residentKiB() * RESIDENT_GROWTH_FACTOR) + RESIDENT_SLACK_KIB);
        try (IscsiTestClient client = IscsiTestClient.connect(target.host(), target.port())) {
            client.login(INITIATOR, IQN, false);
            client.logout();
        }
    }

    /** The live heap of Basalt's target; tgtd, run for comparison, has no JVM heap (-1). */
    private long liveHeapKiB() {
        return jvmTarget ? LiveHeap.kibAfterFullGc(target.pid()) : -1;
    }

    /** Resource use once closed connections are gone: descriptors settle a moment after the sockets close. */
    private ProcessStatus settled() {
        ProcessStatus[] last = {ProcessStatus.of(target.pid())};
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ProcessStatus now = ProcessStatus.of(target.pid());
            boolean stable = now.openFileDescriptors() == last[0].openFileDescriptors()
                    && now.threads() == last[0].threads();
            last[0] = now;
            return stable;
        });
        return last[0];
    }
}
