package io.basalt.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.EngineMain;
import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.ServedTarget;
import io.basalt.engine.management.TargetManagementService;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CtlCommandTest {

    private static final String IQN = "iqn.2026-01.io.basalt:ctl";

    @TempDir
    Path dir;

    private FileBlockDevice device;
    private ManagementServer server;
    private String address;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void serve() throws Exception {
        device = FileBlockDevice.open(dir.resolve("lun.img"), 1L << 20, 512, 2, PooledByteBufAllocator.DEFAULT);
        LogicalUnit unit = new LogicalUnit(LogicalUnitConfig.basalt("0123456789abcdef"), device);
        server = ManagementServer.start(new InetSocketAddress("127.0.0.1", 0),
                new TargetManagementService(new ServedTarget(IQN, null, unit, device, List::of)));
        address = "127.0.0.1:" + server.address().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        device.close();
    }

    private int ctl(String... args) {
        CommandLine commandLine = EngineMain.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "ctl";
        System.arraycopy(args, 0, all, 1, args.length);
        return commandLine.execute(all);
    }

    @Test
    void statusPrintsTheTargetForPeople() {
        assertThat(ctl("--target", address, "status")).isEqualTo(0);

        assertThat(out.toString()).contains("Target:", IQN, "Health:", "HEALTHY", "1048576 bytes (1.0 MiB)");
    }

    @Test
    void statusWithJsonPrintsOneParsableObject() throws Exception {
        assertThat(ctl("--target", address, "status", "--json")).isEqualTo(0);

        JsonNode status = new ObjectMapper().readTree(out.toString());
        assertThat(status.get("iqn").asText()).isEqualTo(IQN);
        assertThat(status.get("capacityBytes").asLong()).isEqualTo(1L << 20);
        assertThat(status.get("health").asText()).isEqualTo("HEALTHY");
        assertThat(status.get("sessions").isArray()).isTrue();
    }

    @Test
    void resizeGrowsTheTargetAndSaysFromWhatToWhat() throws Exception {
        assertThat(ctl("--json", "--target", address, "resize", "4Mi")).isEqualTo(0);

        JsonNode resized = new ObjectMapper().readTree(out.toString());
        assertThat(resized.get("previousCapacityBytes").asLong()).isEqualTo(1L << 20);
        assertThat(resized.get("capacityBytes").asLong()).isEqualTo(4L << 20);
        assertThat(device.size()).isEqualTo(4L << 20);
    }

    @Test
    void shrinkExitsWithOneAndTheServersReason() {
        assertThat(ctl("--target", address, "resize", "512K")).isEqualTo(1);

        assertThat(err.toString()).contains("FAILED_PRECONDITION", "only grow");
    }

    @Test
    void unreachableTargetExitsWithThree() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThat(ctl("--target", "127.0.0.1:" + closedPort, "--timeout", "5", "status")).isEqualTo(3);

        assertThat(err.toString()).contains("cannot reach", "UNAVAILABLE");
    }

    @Test
    void aTimeoutBelowOneSecondIsAUsageErrorWithExitTwo() {
        assertThat(ctl("--target", address, "--timeout", "0", "status")).isEqualTo(2);

        assertThat(err.toString()).contains("--timeout");
    }

    @Test
    void missingSizeIsAUsageErrorWithExitTwo() {
        assertThat(ctl("--target", address, "resize")).isEqualTo(2);

        assertThat(err.toString()).contains("SIZE");
    }
}
