package io.basalt.systemtest.guest;

import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeUsage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs in the kernel-vm guest: drives the CSI node plugin over its unix socket through the life of
 * an ext4, an xfs and a raw block volume, and records what the kernel, df and iscsiadm then show
 * in {@link Observations} for the host test to judge. Growth goes through the target's management
 * API with the engine's {@code ctl} client, as an operator would resize the LUN.
 *
 * <p>Arguments: {@code --socket PATH --observations FILE --java PATH --engine-jar PATH} and, per
 * volume, {@code --volume KIND:ID:MGMT_HOST_PORT:GROWN_BYTES} with KIND ext4, xfs or block.
 */
public final class NodeScenario {

    private static final Path CSI_ROOT = Path.of("/tmp/csi");
    private static final String SURVIVOR = "survivor.txt";

    private final CsiNodeClient node;
    private final Observations observations;
    private final String java;
    private final String engineJar;

    private NodeScenario(CsiNodeClient node, Observations observations, String java, String engineJar) {
        this.node = node;
        this.observations = observations;
        this.java = java;
        this.engineJar = engineJar;
    }

    private record Volume(String kind, String id, String mgmt, long grownBytes) {

        static Volume parse(String text) {
            String[] parts = text.split(":");
            return new Volume(parts[0], parts[1], parts[2] + ":" + parts[3], Long.parseLong(parts[4]));
        }

        Path staging() {
            return CSI_ROOT.resolve("staging").resolve(id);
        }

        Path pod(String name) {
            return CSI_ROOT.resolve("pods").resolve(name).resolve(id);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> single = new LinkedHashMap<>();
        java.util.List<Volume> volumes = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--volume")) {
                volumes.add(Volume.parse(args[i + 1]));
            } else {
                single.put(args[i], args[i + 1]);
            }
        }
        Observations observations = new Observations(Path.of(single.get("--observations")));
        try (CsiNodeClient node = timed(observations, "nodePluginReadyMs",
                () -> connect(Path.of(single.get("--socket"))))) {
            NodeScenario scenario = new NodeScenario(node, observations, single.get("--java"), single.get("--engine-jar"));
            for (Volume volume : volumes) {
                if (volume.kind().equals("block")) {
                    scenario.blockVolume(volume);
                } else {
                    scenario.filesystemVolume(volume);
                }
            }
            observations.put("final.sessions", iscsiadm("session"));
            observations.put("final.nodes", iscsiadm("node"));
        }
        observations.put("scenario", "completed");
    }

    private static CsiNodeClient connect(Path socket) {
        try {
            return CsiNodeClient.connect(socket, Duration.ofMinutes(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * ext4 or xfs: stage, publish, write, check stats against df, grow, unstage, then stage again
     * and publish read-only: the file is there, writes are refused, the size is the grown one.
     */
    private void filesystemVolume(Volume volume) throws IOException {
        String kind = volume.kind();
        VolumeCapability capability = CsiNodeClient.mount(kind);
        Path writable = volume.pod("writer");
        Files.createDirectories(writable.getParent());
        timedStep(kind + ".stageMs", () -> node.stage(volume.id(), volume.staging(), capability));
        observations.put(kind + ".stagedFsType", Shell.run("findmnt", "-n", "-o", "FSTYPE", volume.staging().toString())
                .requireSuccess());
        timedStep(kind + ".publishMs", () -> node.publish(volume.id(), volume.staging(), writable, capability, false));
        String content = "written by a pod through the " + kind + " volume " + volume.id() + "\n";
        Files.writeString(writable.resolve(SURVIVOR), content);
        Shell.run("sync").requireSuccess();
        observations.put(kind + ".written", content);
        observations.put(kind + ".statsBeforeGrowth", statsAndDf(volume, writable));

        observations.put(kind + ".resize", ctlResize(volume));
        long expanded = timed(kind + ".expandMs", () -> node.expand(volume.id(), writable, volume.staging(),
                volume.grownBytes(), capability));
        observations.put(kind + ".expandedBytes", expanded);
        observations.put(kind + ".statsAfterGrowth", statsAndDf(volume, writable));

        timedStep(kind + ".unpublishMs", () -> node.unpublish(volume.id(), writable));
        timedStep(kind + ".unstageMs", () -> node.unstage(volume.id(), volume.staging()));
        observations.put(kind + ".sessionsAfterUnstage", iscsiadm("session"));
        observations.put(kind + ".nodesAfterUnstage", iscsiadm("node"));
        observations.put(kind + ".stagingMountedAfterUnstage",
                Shell.run("findmnt", "-n", volume.staging().toString()).exitCode() == 0);

        Path reader = volume.pod("reader");
        Files.createDirectories(reader.getParent());
        timedStep(kind + ".restageMs", () -> node.stage(volume.id(), volume.staging(), capability));
        node.publish(volume.id(), volume.staging(), reader, capability, true);
        observations.put(kind + ".readBack", Files.readString(reader.resolve(SURVIVOR)));
        observations.put(kind + ".readOnlyWrite", attemptWrite(reader.resolve("refused.txt")));
        observations.put(kind + ".readOnlyMountOptions", Shell.run("findmnt", "-n", "-o", "OPTIONS", reader.toString())
                .requireSuccess());
        observations.put(kind + ".statsAfterRestage", statsAndDf(volume, reader));
        node.unpublish(volume.id(), reader);
        node.unstage(volume.id(), volume.staging());
        observations.put(kind + ".sessionsAtEnd", iscsiadm("session"));
        observations.put(kind + ".nodesAtEnd", iscsiadm("node"));
    }

    /** Raw block: the device itself is published; data written on it survives unstage and stage. */
    private void blockVolume(Volume volume) throws IOException {
        VolumeCapability capability = CsiNodeClient.block();
        Path device = volume.pod("writer");
        Files.createDirectories(device.getParent());
        timedStep("block.stageMs", () -> node.stage(volume.id(), volume.staging(), capability));
        timedStep("block.publishMs", () -> node.publish(volume.id(), volume.staging(), device, capability, false));
        observations.put("block.publishedIsBlockDevice", Shell.run("test", "-b", device.toString()).exitCode() == 0);
        long sizeBefore = deviceSize(device);
        observations.put("block.sizeBytes", sizeBefore);
        byte[] pattern = pattern(volume.id());
        writeAndSync(device, sizeBefore - pattern.length, pattern);
        writeAndSync(device, 0, pattern);
        observations.put("block.stats", usage(node.stats(volume.id(), device, volume.staging())));

        observations.put("block.resize", ctlResize(volume));
        observations.put("block.expandedBytes", timed("block.expandMs",
                () -> node.expand(volume.id(), device, volume.staging(), volume.grownBytes(), capability)));
        observations.put("block.sizeAfterGrowth", deviceSize(device));

        node.unpublish(volume.id(), device);
        node.unstage(volume.id(), volume.staging());
        observations.put("block.sessionsAfterUnstage", iscsiadm("session"));

        Path again = volume.pod("reader");
        Files.createDirectories(again.getParent());
        node.stage(volume.id(), volume.staging(), capability);
        node.publish(volume.id(), volume.staging(), again, capability, false);
        observations.put("block.headReadBack", Arrays.equals(read(again, 0, pattern.length), pattern));
        observations.put("block.oldTailReadBack",
                Arrays.equals(read(again, sizeBefore - pattern.length, pattern.length), pattern));
        node.unpublish(volume.id(), again);
        node.unstage(volume.id(), volume.staging());
        observations.put("block.sessionsAtEnd", iscsiadm("session"));
        observations.put("block.nodesAtEnd", iscsiadm("node"));
    }

    /** NodeGetVolumeStats next to what df says about the same mount. */
    private Map<String, Object> statsAndDf(Volume volume, Path mountPoint) {
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("csi", usage(node.stats(volume.id(), mountPoint, volume.staging())));
        String[] df = Shell.run("df", "-B1", "--output=size,used,avail,itotal,iused,iavail", mountPoint.toString())
                .requireSuccess().lines().skip(1).findFirst().orElseThrow().trim().split("\\s+");
        both.put("df", Map.of(
                "bytesTotal", Long.parseLong(df[0]), "bytesUsed", Long.parseLong(df[1]),
                "bytesAvailable", Long.parseLong(df[2]), "inodesTotal", Long.parseLong(df[3]),
                "inodesUsed", Long.parseLong(df[4]), "inodesAvailable", Long.parseLong(df[5])));
        return both;
    }

    private static Map<String, Object> usage(NodeGetVolumeStatsResponse stats) {
        Map<String, Object> usage = new LinkedHashMap<>();
        for (VolumeUsage entry : stats.getUsageList()) {
            String unit = entry.getUnit() == VolumeUsage.Unit.INODES ? "inodes" : "bytes";
            usage.put(unit + "Total", entry.getTotal());
            usage.put(unit + "Used", entry.getUsed());
            usage.put(unit + "Available", entry.getAvailable());
        }
        usage.put("abnormal", stats.getVolumeCondition().getAbnormal());
        return usage;
    }

    /** {@code ctl resize} against the volume's target, as JSON, failing when ctl does. */
    private String ctlResize(Volume volume) {
        // protobuf's use of sun.misc.Unsafe is allowed explicitly so that the JVM warns nothing.
        return Shell.run(java, "-XX:TieredStopAtLevel=1", "--sun-misc-unsafe-memory-access=allow", "-jar", engineJar,
                "ctl", "--target", volume.mgmt(),
                "--timeout", "60", "resize", Long.toString(volume.grownBytes()), "--json").requireSuccess();
    }

    private static Map<String, Object> iscsiadm(String mode) {
        Shell.Result result = Shell.run("iscsiadm", "-m", mode);
        return Map.of("exitCode", result.exitCode(), "output", result.output());
    }

    private static String attemptWrite(Path file) {
        try {
            Files.writeString(file, "must not land");
            return "succeeded";
        } catch (IOException e) {
            return "refused: " + e;
        }
    }

    private static long deviceSize(Path device) {
        return Long.parseLong(Shell.run("blockdev", "--getsize64", device.toString()).requireSuccess());
    }

    private static byte[] pattern(String seed) {
        byte[] unit = ("basalt raw block " + seed + " ").getBytes(StandardCharsets.UTF_8);
        byte[] pattern = new byte[64 * 1024];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = unit[i % unit.length];
        }
        return pattern;
    }

    private static void writeAndSync(Path device, long offset, byte[] data) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(device.toFile(), "rw")) {
            file.seek(offset);
            file.write(data);
            file.getFD().sync();
        }
    }

    private static byte[] read(Path device, long offset, int length) throws IOException {
        // Through the page cache of a freshly attached device, so what comes back is what the target holds.
        try (RandomAccessFile file = new RandomAccessFile(device.toFile(), "r")) {
            byte[] data = new byte[length];
            file.seek(offset);
            file.readFully(data);
            return data;
        }
    }

    private void timedStep(String name, Runnable step) {
        timed(observations, name, () -> {
            step.run();
            return null;
        });
    }

    private <T> T timed(String name, Supplier<T> step) {
        return timed(observations, name, step);
    }

    private static <T> T timed(Observations observations, String name, Supplier<T> step) {
        long started = System.nanoTime();
        T result = step.get();
        observations.put(name, (System.nanoTime() - started) / 1_000_000);
        return result;
    }
}
