package io.basalt.engine.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.acceptance.initiator.Qemu;
import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.testbed.FreePort;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.BasaltTargetLauncher;
import io.basalt.engine.acceptance.targets.RunningTarget;
import io.basalt.engine.acceptance.targets.TargetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Growth through the management API: the target jar runs with {@code --mgmt}, {@code ctl resize}
 * grows it while it serves, and real initiators see the new capacity with the old data intact.
 */
class OnlineResizeIT {

    private static final long OLD_SIZE = 64L << 20;
    private static final long NEW_SIZE = 192L << 20;
    private static final String IQN = "iqn.2026-11.io.basalt.test:resize";
    private static final Duration LIMIT = Duration.ofMinutes(2);

    private Workspace workspace;
    private BasaltTargetLauncher launcher;
    private RunningTarget target;
    private String mgmt;
    private Qemu qemu;

    @BeforeEach
    void startTargetWithManagementApi() {
        workspace = Workspace.forTest("resize");
        mgmt = "127.0.0.1:" + FreePort.onLoopback();
        launcher = BasaltTargetLauncher.fromSystemProperties().withTargetOptions(List.of("--mgmt", mgmt));
        target = launcher.start(TargetSpec.open(IQN, workspace.sparseFile("lun.img", OLD_SIZE), OLD_SIZE),
                workspace.logs());
        qemu = new Qemu(workspace.scratch(), LIMIT);
    }

    @AfterEach
    void stopTarget() {
        if (target != null) {
            target.close();
        }
        if (workspace != null) {
            workspace.close();
        }
    }

    private ExternalCommand.Result ctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", launcher.jar().toAbsolutePath().toString(), "ctl", "--target", mgmt));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(command, workspace.scratch(), LIMIT);
    }

    private long readCapacity() {
        ExternalCommand.Result result = ExternalCommand.run(List.of("iscsi-readcapacity16", "-s", target.url()),
                workspace.scratch(), LIMIT).requireSuccess();
        return Long.parseLong(result.stdout().strip());
    }

    @Test
    void ctlResizeGrowsTheLunThatReadCapacityReportsAndKeepsTheData() throws Exception {
        qemu.io(target.url(), List.of("write -P 0x3c 0 1M", "write -P 0xc3 " + (OLD_SIZE - (1 << 20)) + " 1M"));
        assertThat(readCapacity()).isEqualTo(OLD_SIZE);

        ExternalCommand.Result resized = ctl("resize", Long.toString(NEW_SIZE), "--json").requireSuccess();

        JsonNode answer = new ObjectMapper().readTree(resized.stdout());
        assertThat(answer.get("previousCapacityBytes").asLong()).isEqualTo(OLD_SIZE);
        assertThat(answer.get("capacityBytes").asLong()).isEqualTo(NEW_SIZE);
        assertThat(readCapacity()).isEqualTo(NEW_SIZE);
        assertThat(Files.size(workspace.scratch().resolve("lun.img"))).isEqualTo(NEW_SIZE);
        qemu.io(target.url(), List.of("read -P 0x3c 0 1M", "read -P 0xc3 " + (OLD_SIZE - (1 << 20)) + " 1M",
                "read -P 0 " + OLD_SIZE + " " + (NEW_SIZE - OLD_SIZE),
                "write -P 0x7e " + (NEW_SIZE - (1 << 20)) + " 1M", "read -P 0x7e " + (NEW_SIZE - (1 << 20)) + " 1M"));
    }

    @Test
    void ctlStatusReportsTheTargetAsJson() throws Exception {
        ExternalCommand.Result status = ctl("status", "--json").requireSuccess();

        JsonNode answer = new ObjectMapper().readTree(status.stdout());
        assertThat(answer.get("iqn").asText()).isEqualTo(IQN);
        assertThat(answer.get("capacityBytes").asLong()).isEqualTo(OLD_SIZE);
        assertThat(answer.get("health").asText()).isEqualTo("HEALTHY");
    }

    @Test
    void ctlRefusesToShrinkWithExitStatusOneAndLeavesTheSize() {
        ExternalCommand.Result refused = ctl("resize", Long.toString(OLD_SIZE / 2));

        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.stderr()).contains("FAILED_PRECONDITION", "only grow");
        assertThat(readCapacity()).isEqualTo(OLD_SIZE);
    }
}
