package io.basalt.driver.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.VolumeUsage;
import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.ProcessCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real findmnt and stat on this machine's own mounts: what the node service reads is what df shows. */
class HostMountTableTest {

    /** Others write to the same file system between the two reads. */
    private static final long CONCURRENT_WRITES_TOLERANCE = 256L << 20;

    @TempDir
    Path dir;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();
    private final CommandMounter mounter = new CommandMounter(runner);

    @Test
    void theMountHoldingATemporaryDirectoryIsFound() {
        Path mountPoint = mountPointOf(dir);

        Optional<MountPoint> mount = mounter.find(mountPoint);

        assertThat(mount).hasValueSatisfying(found -> {
            assertThat(found.fsType()).isNotEmpty();
            assertThat(found.options()).containsAnyOf("rw", "ro");
        });
    }

    @Test
    void aPlainDirectoryIsNoMountPoint() {
        assertThat(mounter.isMountPoint(dir)).isFalse();
    }

    @Test
    void volumeStatsOfAMountAreTheNumbersDfReports() {
        Path mountPoint = mountPointOf(dir);
        VolumeStatsReader reader = new VolumeStatsReader(runner, new BlockDevices(runner, Duration.ZERO),
                mounter);

        NodeGetVolumeStatsResponse stats = reader.read("pvc-1", mountPoint, Optional.empty());
        long[] df = df(mountPoint);

        VolumeUsage bytes = stats.getUsageList().stream().filter(u -> u.getUnit() == VolumeUsage.Unit.BYTES)
                .findFirst().orElseThrow();
        VolumeUsage inodes = stats.getUsageList().stream().filter(u -> u.getUnit() == VolumeUsage.Unit.INODES)
                .findFirst().orElseThrow();
        assertThat(bytes.getTotal()).isEqualTo(df[0]);
        assertThat(bytes.getUsed()).isCloseTo(df[1], within(CONCURRENT_WRITES_TOLERANCE));
        assertThat(bytes.getAvailable()).isCloseTo(df[2],
                within(CONCURRENT_WRITES_TOLERANCE));
        assertThat(inodes.getTotal()).isEqualTo(df[3]);
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();
    }

    private Path mountPointOf(Path path) {
        return Path.of(runner.run(Command.of("findmnt", "--noheadings", "--output", "TARGET", "--target",
                path.toString())).stdout().strip());
    }

    /** size, used, avail in bytes and the inode total, as df prints them. */
    private long[] df(Path mountPoint) {
        String[] lines = runner.run(Command.of("df", "--block-size=1", "--output=size,used,avail,itotal",
                mountPoint.toString())).stdout().strip().split("\n");
        String[] fields = lines[lines.length - 1].trim().split("\\s+");
        long[] numbers = new long[fields.length];
        for (int i = 0; i < fields.length; i++) {
            numbers[i] = Long.parseLong(fields[i]);
        }
        return numbers;
    }
}
