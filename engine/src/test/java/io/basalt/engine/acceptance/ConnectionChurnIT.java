package io.basalt.engine.acceptance;

import io.basalt.engine.acceptance.client.IscsiTestClient;
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
 * use is read from /proc after 1,000 cycles (everything lazily created exists by then) and after
 * 10,000; threads and open descriptors must not grow, and resident memory only within a generous
 * margin (the JVM's heap is capped, so a leak would show as growth or as the process dying).
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
    private static final long RESIDENT_SLACK_KIB = 48 * 1024;

    private Workspace workspace;
    private RunningTarget target;

    @BeforeEach
    void startTarget() {
        workspace = Workspace.forTest("churn");
        TargetLauncher launcher = TargetLauncher.subject();
        if (launcher instanceof BasaltTargetLauncher basalt) {
            launcher = basalt.withJvmOptions(List.of("-Xmx192m"));
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
        for (int i = 1; i <= CYCLES; i++) {
            cycle.run();
            if (i == WARMED_UP) {
                warm = settled();
            }
        }
        ProcessStatus warmed = warm;
        ProcessStatus end = settled();
        workspace.writeReport("churn-" + kind + "-" + target.name() + ".txt", "after " + WARMED_UP + ": " + warmed + "\nafter "
                + CYCLES + ": " + end + "\n");

        assertThat(target.isAlive()).as("target survived").isTrue();
        assertThat(end.threads()).as("threads after %d cycles vs %d: %s vs %s", CYCLES, WARMED_UP, end, warmed)
                .isLessThanOrEqualTo(warmed.threads() + THREAD_SLACK);
        assertThat(end.openFileDescriptors()).as("descriptors: %s vs %s", end, warmed)
                .isLessThanOrEqualTo(warmed.openFileDescriptors() + DESCRIPTOR_SLACK);
        assertThat(end.residentKiB()).as("resident memory: %s vs %s", end, warmed)
                .isLessThanOrEqualTo((long) (warmed.residentKiB() * RESIDENT_GROWTH_FACTOR) + RESIDENT_SLACK_KIB);
        try (IscsiTestClient client = IscsiTestClient.connect(target.host(), target.port())) {
            client.login(INITIATOR, IQN, false);
            client.logout();
        }
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
