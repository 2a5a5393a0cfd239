package io.basalt.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.EngineMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

class TargetCommandTest {

    @TempDir
    Path dir;

    private final StringWriter errors = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = EngineMain.commandLine();
        commandLine.setErr(new PrintWriter(errors));
        return commandLine.execute(args);
    }

    private String[] valid(String... extra) {
        String[] base = {"target", "--iqn", "iqn.2026-01.io.basalt:vol", "--listen", "127.0.0.1:0",
                "--backing-file", dir.resolve("lun.img").toString(), "--size", "1Mi"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void sizesAcceptPlainBytesAndBinarySuffixes() {
        assertThat(ByteSize.parse("4096")).isEqualTo(4096);
        assertThat(ByteSize.parse("512K")).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("64Mi")).isEqualTo(64L << 20);
        assertThat(ByteSize.parse("1G")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("2Gi")).isEqualTo(2L << 30);
    }

    @Test
    void malformedSizeIsRefused() {
        assertThatThrownBy(() -> ByteSize.parse("lots")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> ByteSize.parse("-5M")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void missingRequiredOptionExitsWithUsageError() {
        assertThat(run("target", "--iqn", "iqn.2026-01.io.basalt:vol")).isEqualTo(2);
        assertThat(errors.toString()).contains("--listen");
    }

    @Test
    void chapUserWithoutSecretExitsWithUsageError() {
        assertThat(run(valid("--chap-user", "alice"))).isEqualTo(2);
        assertThat(errors.toString()).contains("--chap-user and --chap-secret go together");
    }

    @Test
    void chapUserFromTheEnvironmentCountsAsGiven() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), EngineMain.class.getName()).redirectErrorStream(true);
        builder.command().addAll(java.util.List.of(valid()));
        builder.environment().put("BASALT_CHAP_USER", "alice");
        builder.environment().remove("BASALT_CHAP_SECRET");

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("--chap-user and --chap-secret go together");
    }

    @Test
    void mutualChapWithoutChapExitsWithUsageError() {
        assertThat(run(valid("--mutual-chap-user", "t", "--mutual-chap-secret", "s"))).isEqualTo(2);
        assertThat(errors.toString()).contains("mutual CHAP needs");
    }

    @Test
    void sizeThatIsNotWholeBlocksExitsWithUsageError() {
        String[] args = valid();
        args[args.length - 1] = "1000";
        assertThat(run(args)).isEqualTo(2);
        assertThat(errors.toString()).contains("multiple of the 512-byte block size");
    }

    @Test
    void malformedTargetNameExitsWithUsageError() {
        String[] args = valid();
        args[2] = "not-an-iqn";
        assertThat(run(args)).isEqualTo(2);
        assertThat(errors.toString()).contains("is not an iSCSI name");
    }

    @Test
    void malformedListenAddressExitsWithUsageError() {
        String[] args = valid();
        args[4] = "localhost";
        assertThat(run(args)).isEqualTo(2);
        assertThat(errors.toString()).contains("is not HOST:PORT");
    }
    private static String[] replicated(String... extra) {
        String[] base = {"target", "--iqn", "iqn.2026-01.io.basalt:vol", "--listen", "127.0.0.1:0",
                "--volume", "vol", "--replica", "127.0.0.1:7001", "--replica", "127.0.0.1:7002",
                "--replica", "127.0.0.1:7003"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void aReplicaTogetherWithABackingFileExitsWithUsageError() {
        assertThat(run(valid("--volume", "vol", "--replica", "127.0.0.1:7001", "--replica-secret",
                "a-volume-secret-of-some-length"))).isEqualTo(2);
        assertThat(errors.toString()).contains("mutually exclusive");
    }

    @Test
    void aReplicaThatIsNotHostAndPortExitsWithUsageError() {
        assertThat(run(replicated("--replica", "vol@pool-4", "--replica-secret", "a-volume-secret-of-some-length")))
                .isEqualTo(2);
        assertThat(errors.toString()).contains("--replica", "pool-4");
    }

    @Test
    void aReplicaWithAnEmptyNameBeforeTheAtSignExitsWithUsageError() {
        assertThat(run(replicated("--replica", "@127.0.0.1:7004", "--replica-secret",
                "a-volume-secret-of-some-length"))).isEqualTo(2);
        assertThat(errors.toString()).contains("empty replica name");
    }

    @Test
    void aConsistencyFactorAboveTheReplicaCountExitsWithUsageError() {
        assertThat(run(replicated("--consistency-factor", "4", "--replica-secret", "a-volume-secret-of-some-length")))
                .isEqualTo(2);
        assertThat(errors.toString()).contains("--consistency-factor 4 must be between 1 and the 3 replica(s) given");
    }

    @Test
    void aNegativeQuorumWaitExitsWithUsageError() {
        assertThat(run(replicated("--quorum-wait", "-1", "--replica-secret", "a-volume-secret-of-some-length")))
                .isEqualTo(2);
        assertThat(errors.toString()).contains("--quorum-wait must be >= 0");
    }

    @Test
    void replicasWithoutAVolumeNameExitWithUsageError() {
        assertThat(run("target", "--iqn", "iqn.2026-01.io.basalt:vol", "--listen", "127.0.0.1:0",
                "--replica", "127.0.0.1:7001", "--replica-secret", "a-volume-secret-of-some-length")).isEqualTo(2);
        assertThat(errors.toString()).contains("needs --volume and at least one --replica");
    }

    @Test
    void aReplicatedTargetWithoutTheVolumeSecretExitsWithUsageErrorNamingWhereToPutIt() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), EngineMain.class.getName()).redirectErrorStream(true);
        builder.command().addAll(java.util.List.of(replicated()));
        builder.environment().remove("BASALT_REPLICA_SECRET");

        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("needs the volume's secret: set BASALT_REPLICA_SECRET or --replica-secret");
    }
}
