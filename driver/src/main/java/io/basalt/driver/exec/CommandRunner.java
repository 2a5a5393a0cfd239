package io.basalt.driver.exec;

import java.util.Arrays;

/**
 * The one way the driver runs external programs (iscsiadm, blkid, mkfs, fsck, mount, umount,
 * findmnt, blockdev, resize2fs, xfs_growfs, stat), so that tests can script every one of them.
 */
public interface CommandRunner {

    /**
     * Runs {@code command} to its end and returns whatever status it exited with.
     *
     * @throws CommandException when it cannot be started or outlives its time limit
     */
    CommandResult execute(Command command);

    /**
     * Runs {@code command} and insists that it exits with one of {@code acceptedExitCodes}
     * (0 when none are given).
     *
     * @throws CommandException when it cannot be started, times out or exits otherwise
     */
    default CommandResult run(Command command, int... acceptedExitCodes) {
        CommandResult result = execute(command);
        boolean accepted = acceptedExitCodes.length == 0
                ? result.succeeded()
                : Arrays.stream(acceptedExitCodes).anyMatch(code -> code == result.exitCode());
        if (!accepted) {
            throw CommandException.exited(command, result);
        }
        return result;
    }
}
