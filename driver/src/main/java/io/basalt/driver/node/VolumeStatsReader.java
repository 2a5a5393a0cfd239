package io.basalt.driver.node;

import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.VolumeCondition;
import io.basalt.csi.v1.VolumeUsage;
import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandRunner;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** NodeGetVolumeStats: the numbers df reports, and whether the volume still behaves. */
public final class VolumeStatsReader {

    private final CommandRunner runner;
    private final BlockDevices blockDevices;
    private final Mounter mounter;

    public VolumeStatsReader(CommandRunner runner, BlockDevices blockDevices, Mounter mounter) {
        this.runner = runner;
        this.blockDevices = blockDevices;
        this.mounter = mounter;
    }

    /**
     * @param stagingPath the staging mount, when known: the file system's own health shows there,
     *        while the published path may be read-only by request
     */
    public NodeGetVolumeStatsResponse read(String volumeId, Path volumePath, Optional<Path> stagingPath) {
        if (!Files.exists(volumePath)) {
            throw Status.NOT_FOUND.withDescription("volume " + volumeId + " is not published at " + volumePath)
                    .asRuntimeException();
        }
        if (!Files.isDirectory(volumePath)) {
            return blockStats(volumePath);
        }
        if (!mounter.isMountPoint(volumePath)) {
            return abnormal("nothing is mounted at " + volumePath + " any more");
        }
        NodeGetVolumeStatsResponse.Builder response = filesystemUsage(volumePath);
        Path health = stagingPath.orElse(volumePath);
        Optional<MountPoint> healthMount = mounter.find(health);
        if (healthMount.isEmpty()) {
            return response.setVolumeCondition(condition(true, "the staging mount at " + health + " is gone")).build();
        }
        if (stagingPath.isPresent() && healthMount.get().readOnly()) {
            return response.setVolumeCondition(condition(true, "the file system went read-only (mounted ro at "
                    + health + "); it likely hit I/O errors")).build();
        }
        return response.setVolumeCondition(condition(false, "mounted " + healthMount.get().options().getFirst()
                + " from " + healthMount.get().source())).build();
    }

    private NodeGetVolumeStatsResponse blockStats(Path devicePath) {
        if (!mounter.isMountPoint(devicePath)) {
            return abnormal("the device is no longer bind-mounted at " + devicePath);
        }
        long size = blockDevices.sizeOf(devicePath);
        return NodeGetVolumeStatsResponse.newBuilder()
                .addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES).setTotal(size))
                .setVolumeCondition(condition(false, "device present, " + size + " bytes"))
                .build();
    }

    /** statfs through stat -f: fragment size, blocks total/free/available, inodes total/free. */
    private NodeGetVolumeStatsResponse.Builder filesystemUsage(Path path) {
        String output = runner.run(Command.of("stat", "--file-system", "--format", "%S %b %f %a %c %d",
                path.toString())).stdout().strip();
        String[] fields = output.split("\\s+");
        if (fields.length != 6) {
            throw Status.INTERNAL.withDescription("stat -f " + path + " printed '" + output
                    + "', not six numbers").asRuntimeException();
        }
        long[] numbers = new long[6];
        try {
            for (int i = 0; i < 6; i++) {
                numbers[i] = Long.parseLong(fields[i]);
            }
        } catch (NumberFormatException e) {
            throw Status.INTERNAL.withDescription("stat -f " + path + " printed '" + output
                    + "', not six numbers").asRuntimeException();
        }
        long blockSize = numbers[0];
        long blocks = numbers[1];
        long free = numbers[2];
        long available = numbers[3];
        long inodes = numbers[4];
        long freeInodes = numbers[5];
        return NodeGetVolumeStatsResponse.newBuilder()
                .addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES)
                        .setTotal(blocks * blockSize)
                        .setUsed((blocks - free) * blockSize)
                        .setAvailable(available * blockSize))
                .addUsage(VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES)
                        .setTotal(inodes)
                        .setUsed(inodes - freeInodes)
                        .setAvailable(freeInodes));
    }

    private static NodeGetVolumeStatsResponse abnormal(String message) {
        return NodeGetVolumeStatsResponse.newBuilder().setVolumeCondition(condition(true, message)).build();
    }

    private static VolumeCondition condition(boolean abnormal, String message) {
        return VolumeCondition.newBuilder().setAbnormal(abnormal).setMessage(message).build();
    }
}
