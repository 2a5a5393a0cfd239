package io.basalt.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.testbed.FreePort;
import io.basalt.testbed.HostCommand;
import io.basalt.testbed.KernelVm;
import io.basalt.testbed.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 5, acceptance 3: the CSI driver's node plugin, running from its jar inside a real Linux
 * kernel (the QEMU test bed), stages and publishes volumes that Basalt targets on the host serve,
 * with the Kubernetes API played by the fabric8 mock server. One guest run drives an ext4, an xfs
 * and a raw block volume through their whole life over the plugin's unix socket (see
 * {@code io.basalt.systemtest.guest.NodeScenario}); each test below judges one behaviour from what
 * that run observed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodePluginInGuestIT {

    private static final long MIB = 1L << 20;
    private static final Duration GUEST_LIMIT = Duration.ofMinutes(15);

    private final List<ServedVolume> volumes = new ArrayList<>();
    private MockKubernetes api;
    private KernelVm.Result guest;
    private JsonNode observed;

    @BeforeAll
    void runTheNodePluginScenarioInTheGuest() throws Exception {
        KernelVm.prepare();
        Path work = Files.createDirectories(Path.of(System.getProperty("basalt.it.workdir", "target/it-work"))
                .resolve("node-plugin").toAbsolutePath());
        Path results = Files.createDirectories(work.resolve("results"));
        Files.deleteIfExists(results.resolve("observations.json"));
        int apiPort = FreePort.onLoopback();
        api = MockKubernetes.start(apiPort, Path.of(System.getProperty("basalt.crds.dir", "../crds")));
        volumes.add(ServedVolume.start(api, work, "ext4", 256 * MIB, 512 * MIB));
        volumes.add(ServedVolume.start(api, work, "xfs", 512 * MIB, 768 * MIB));
        volumes.add(ServedVolume.start(api, work, "block", 64 * MIB, 128 * MIB));
        Files.writeString(results.resolve("classpath.txt"), System.getProperty("java.class.path"));

        List<String> arguments = new ArrayList<>(List.of(
                javaExecutable(),
                jar("basalt.driver.jar"),
                "http://" + KernelVm.HOST_ADDRESS + ":" + apiPort,
                "/mnt/results/classpath.txt",
                "/mnt/results",
                "--observations", "/mnt/results/observations.json",
                "--java", javaExecutable(),
                "--engine-jar", jar("basalt.engine.jar")));
        volumes.forEach(volume -> arguments.addAll(List.of("--volume", volume.scenarioArgument())));
        guest = KernelVm.builder()
                .share(results, "results")
                .memoryMegabytes(2048)
                .cpus(2)
                .timeout(GUEST_LIMIT)
                .build()
                .run(Repository.file("systemtest/guest/node-plugin-scenario"), arguments.toArray(String[]::new));
        Path observations = results.resolve("observations.json");
        observed = Files.exists(observations) ? new ObjectMapper().readTree(observations.toFile())
                : new ObjectMapper().createObjectNode();
        Files.writeString(work.resolve("guest.txt"), guest.describe());
    }

    @AfterAll
    void stopTargetsAndApi() {
        volumes.forEach(ServedVolume::close);
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theScenarioRanToItsEndInTheGuest() {
        assertThat(guest.exitCode()).as(guest.describe()).isZero();
        assertThat(observed.path("scenario").asText()).isEqualTo("completed");
    }

    @Test
    void filesystemVolumesAreMadeWithTheAskedFileSystemAndKeepFilesAcrossUnstageAndStage() {
        for (String kind : List.of("ext4", "xfs")) {
            assertThat(observed.path(kind + ".stagedFsType").asText()).as(kind).isEqualTo(kind);
            assertThat(observed.path(kind + ".readBack").asText()).as(kind)
                    .isNotEmpty()
                    .isEqualTo(observed.path(kind + ".written").asText());
        }
    }

    @Test
    void aReadOnlyPublishRefusesWrites() {
        for (String kind : List.of("ext4", "xfs")) {
            assertThat(observed.path(kind + ".readOnlyWrite").asText()).as(kind).startsWith("refused");
            assertThat(observed.path(kind + ".readOnlyMountOptions").asText()).as(kind).startsWith("ro");
        }
    }

    @Test
    void aRawBlockVolumeIsPublishedAsTheDeviceAndKeepsItsDataAcrossUnstageAndStage() {
        assertThat(observed.path("block.publishedIsBlockDevice").asBoolean()).isTrue();
        assertThat(observed.path("block.sizeBytes").asLong()).isEqualTo(64 * MIB);
        assertThat(observed.path("block.headReadBack").asBoolean()).isTrue();
        assertThat(observed.path("block.oldTailReadBack").asBoolean()).isTrue();
        assertThat(observed.path("block.stats").path("bytesTotal").asLong()).isEqualTo(64 * MIB);
    }

    @Test
    void growingTheLunThroughTheManagementApiThenNodeExpandVolumeGrowsTheFileSystemAsDfSees() {
        for (ServedVolume volume : volumes) {
            String kind = volume.kind();
            JsonNode resize = parse(observed.path(kind + ".resize").asText("{}"));
            assertThat(resize.path("previousCapacityBytes").asLong()).as(kind).isEqualTo(volume.sizeBytes());
            assertThat(resize.path("capacityBytes").asLong()).as(kind).isEqualTo(volume.grownBytes());
            assertThat(observed.path(kind + ".expandedBytes").asLong()).as(kind).isEqualTo(volume.grownBytes());
        }
        for (String kind : List.of("ext4", "xfs")) {
            long before = observed.path(kind + ".statsBeforeGrowth").path("df").path("bytesTotal").asLong();
            long after = observed.path(kind + ".statsAfterGrowth").path("df").path("bytesTotal").asLong();
            long grown = volumes.stream().filter(v -> v.kind().equals(kind)).findFirst().orElseThrow().grownBytes();
            long old = volumes.stream().filter(v -> v.kind().equals(kind)).findFirst().orElseThrow().sizeBytes();
            // df counts what the file system can hold, a little less than the device for its metadata.
            assertThat(before).as(kind + " before").isBetween(old * 8 / 10, old);
            assertThat(after).as(kind + " after").isBetween(grown * 8 / 10, grown).isGreaterThan(before);
            assertThat(observed.path(kind + ".statsAfterRestage").path("df").path("bytesTotal").asLong())
                    .as(kind + " after restage").isEqualTo(after);
        }
        assertThat(observed.path("block.sizeAfterGrowth").asLong()).isEqualTo(128 * MIB);
    }

    @Test
    void nodeGetVolumeStatsReportsTheNumbersDfReports() {
        for (String kind : List.of("ext4", "xfs")) {
            for (String moment : List.of("statsBeforeGrowth", "statsAfterGrowth", "statsAfterRestage")) {
                JsonNode both = observed.path(kind + "." + moment);
                assertThat(both.isMissingNode()).as(kind + " " + moment).isFalse();
                JsonNode csi = both.path("csi");
                JsonNode df = both.path("df");
                for (String field : List.of("bytesTotal", "bytesUsed", "bytesAvailable",
                        "inodesTotal", "inodesUsed", "inodesAvailable")) {
                    assertThat(csi.path(field).asLong()).as(kind + " " + moment + " " + field)
                            .isEqualTo(df.path(field).asLong());
                }
                assertThat(csi.path("abnormal").asBoolean()).as(kind + " " + moment + " abnormal").isFalse();
            }
        }
    }

    @Test
    void unstageLeavesNoIscsiSessionAndNoNodeRecordBehind() {
        for (String key : List.of("ext4.sessionsAfterUnstage", "ext4.sessionsAtEnd", "xfs.sessionsAfterUnstage",
                "xfs.sessionsAtEnd", "block.sessionsAfterUnstage", "block.sessionsAtEnd", "final.sessions")) {
            assertThat(observed.path(key).path("output").asText()).as(key).contains("No active sessions");
        }
        for (String key : List.of("ext4.nodesAfterUnstage", "ext4.nodesAtEnd", "xfs.nodesAfterUnstage",
                "xfs.nodesAtEnd", "block.nodesAtEnd", "final.nodes")) {
            assertThat(observed.path(key).path("output").asText()).as(key).contains("No records found");
        }
        assertThat(observed.path("ext4.stagingMountedAfterUnstage").asBoolean(true)).isFalse();
        assertThat(observed.path("xfs.stagingMountedAfterUnstage").asBoolean(true)).isFalse();
    }

    @Test
    void afterUnstageTheTargetsServeNoSessionAndTheClaimsNameNoNode() {
        for (ServedVolume volume : volumes) {
            JsonNode status = parse(HostCommand.run(Duration.ofMinutes(1), javaExecutable(), "-jar",
                    jar("basalt.engine.jar"), "ctl", "--target", volume.mgmtAddress(), "status", "--json"));
            assertThat(status.path("sessions").size()).as(volume.id()).isZero();
            assertThat(status.path("capacityBytes").asLong()).as(volume.id()).isEqualTo(volume.grownBytes());
            assertThat(api.claim(volume.id()).getSpec().nodeName()).as(volume.id()).isNull();
        }
    }

    /** The JSON line of a command's output, which may also hold the JVM's warnings. */
    private static JsonNode parse(String output) {
        String json = output.lines().filter(line -> line.startsWith("{")).reduce((first, last) -> last).orElse("{}");
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + output, e);
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jar(String property) {
        Path jar = Path.of(System.getProperty(property, ""));
        assertThat(jar).as(property).isRegularFile();
        return jar.toAbsolutePath().toString();
    }
}
