package io.basalt.driver.node;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandResult;
import io.basalt.driver.exec.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Probing, making, checking and growing the file systems the driver supports. */
public final class Filesystems {

    /** blkid's exit status when it found nothing on the device. */
    private static final int BLKID_NOTHING_FOUND = 2;
    /** Making or checking a file system on a large volume takes a while. */
    private static final Duration LONG_RUNNING = Duration.ofMinutes(10);

    private final CommandRunner runner;

    public Filesystems(CommandRunner runner) {
        this.runner = runner;
    }

    /**
     * What is on a device.
     *
     * @param fsType the file system type blkid recognised, or empty
     * @param partitionTable the partition table type, or empty
     */
    public record Content(Optional<String> fsType, Optional<String> partitionTable) {
        public boolean blank() {
            return fsType.isEmpty() && partitionTable.isEmpty();
        }
    }

    /** Looks at the device's own bytes (not blkid's cache) for a file system or partition table. */
    public Content probe(Path device) {
        CommandResult result = runner.run(Command.of("blkid", "--probe", "--output", "export", device.toString()),
                0, BLKID_NOTHING_FOUND);
        if (result.exitCode() == BLKID_NOTHING_FOUND) {
            return new Content(Optional.empty(), Optional.empty());
        }
        Map<String, String> fields = new HashMap<>();
        result.stdout().lines().forEach(line -> {
            int equals = line.indexOf('=');
            if (equals > 0) {
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
        });
        return new Content(Optional.ofNullable(fields.get("TYPE")), Optional.ofNullable(fields.get("PTTYPE")));
    }

    public void format(Path device, FsType type) {
        Command command = switch (type) {
            case EXT4 -> Command.of("mkfs.ext4", "-q", "-F", device.toString());
            case XFS -> Command.of("mkfs.xfs", "-q", device.toString());
        };
        runner.run(command.withTimeout(LONG_RUNNING));
    }

    /**
     * Repairs what can be repaired safely before mounting. ext4 gets e2fsck's preen mode, which
     * fixes only what needs no human decision; xfs checks and replays its log when mounted.
     */
    public void check(Path device, FsType type) {
        if (type == FsType.EXT4) {
            // 1: errors corrected; 2: corrected, reboot advised (only matters for the root file system).
            runner.run(Command.of("e2fsck", "-p", device.toString()).withTimeout(LONG_RUNNING), 0, 1, 2);
        }
    }

    /** Grows the mounted file system on {@code device} to fill it. */
    public void grow(Path device, Path mountPoint, FsType type) {
        Command command = switch (type) {
            case EXT4 -> Command.of("resize2fs", device.toString());
            case XFS -> Command.of("xfs_growfs", mountPoint.toString());
        };
        runner.run(command.withTimeout(LONG_RUNNING));
    }
}
