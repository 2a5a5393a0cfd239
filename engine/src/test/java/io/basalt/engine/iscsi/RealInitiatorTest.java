package io.basalt.engine.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.text.TargetLimits;
import io.basalt.engine.scsi.BlockScsiTarget;
import io.basalt.engine.scsi.LogicalUnit;
import io.basalt.engine.scsi.LogicalUnitConfig;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target on a loopback port, driven by real initiators: libiscsi's tools (Debian package
 * libiscsi-bin) and qemu-io (qemu-utils, qemu-block-extra), with CHAP.
 */
@ExtendWith(NettyLeakCheck.class)
class RealInitiatorTest {

    private static final String IQN = "iqn.2026-01.io.basalt:real";
    private static final String ADVERTISED = "192.0.2.10:3260";
    private static final long SIZE = 64L << 20;
    private static final String USER = "alice";
    private static final String SECRET = "secretsecret12";

    @TempDir
    static Path dir;

    private static FileBlockDevice device;
    private static IscsiServer server;
    private static int port;

    @BeforeAll
    static void startTarget() throws Exception {
        device = FileBlockDevice.open(dir.resolve("lun.img"), SIZE, 512, 2, PooledByteBufAllocator.DEFAULT);
        TargetConfig config = new TargetConfig(IQN, ADVERTISED, ChapCredentials.of(USER, SECRET), null, Set.of(),
                TargetLimits.defaults(), Duration.ofSeconds(15), Duration.ofSeconds(30), 128);
        server = new IscsiServer(config, new BlockScsiTarget(new LogicalUnit(LogicalUnitConfig.basalt("realtest"), device)));
        port = server.start(new InetSocketAddress("127.0.0.1", 0)).getPort();
    }

    @AfterAll
    static void stopTarget() {
        server.close();
        device.close();
    }

    private static String lun() {
        return "iscsi://" + USER + "%" + SECRET + "@127.0.0.1:" + port + "/" + IQN + "/0";
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin", command[0])), command[0] + " is not installed");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void iscsiLsDiscoversTheTargetAtTheAdvertisedPortal() throws Exception {
        Result result = run("iscsi-ls", "iscsi://127.0.0.1:" + port);

        assertThat(result.output()).contains("Target:" + IQN + " Portal:" + ADVERTISED + ",1");
    }

    @Test
    void iscsiInqReadsTheStandardInquiryDataOverChap() throws Exception {
        Result result = run("iscsi-inq", lun());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Vendor:BASALT", "Peripheral Device Type:DIRECT_ACCESS");
    }

    @Test
    void readCapacity16ReportsTheLunSize() throws Exception {
        Result result = run("iscsi-readcapacity16", lun());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Total size:" + SIZE);
    }

    @Test
    void qemuIoWritesAndReadsBackPatternsThroughAnIscsiUrlWithChap() throws Exception {
        Result result = run("qemu-io", "-f", "raw", "-c", "write -P 0xab 0 1M", "-c", "read -P 0xab 0 1M",
                "-c", "write -P 0x3c 63M 1M", "-c", "read -P 0x3c 63M 1M", "-c", "write -P 0x11 4608 100k",
                "-c", "read -P 0x11 4608 100k", "-c", "read -P 0xab 0 4608", lun());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("Pattern verification failed", "error")
                .contains("read 1048576/1048576 bytes at offset 0", "read 102400/102400 bytes at offset 4608");
    }

    @Test
    void qemuIoWorksWithCrc32cHeaderDigests() throws Exception {
        Result result = run("qemu-io", "--image-opts", "driver=iscsi,transport=tcp,portal=127.0.0.1:" + port
                + ",target=" + IQN + ",lun=0,user=" + USER + ",password=" + SECRET + ",header-digest=crc32c",
                "-c", "write -P 0x77 2M 256k", "-c", "read -P 0x77 2M 256k");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).doesNotContain("Pattern verification failed")
                .contains("read 262144/262144 bytes at offset 2097152");
    }

    @Test
    void wrongChapSecretIsRefused() throws Exception {
        Result result = run("iscsi-inq", "iscsi://" + USER + "%not-the-secret@127.0.0.1:" + port + "/" + IQN + "/0");

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).containsIgnoringCase("authentication failure");
    }

    @Test
    void manyConcurrentSessionsAreServed() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-io")), "qemu-io is not installed");
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            processes.add(new ProcessBuilder("qemu-io", "-f", "raw", "-c", "write -P 0x" + (40 + i) + " " + i + "M 512k",
                    "-c", "read -P 0x" + (40 + i) + " " + i + "M 512k", lun()).redirectErrorStream(true).start());
        }
        for (Process process : processes) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).doesNotContain("Pattern verification failed");
        }
    }
}
