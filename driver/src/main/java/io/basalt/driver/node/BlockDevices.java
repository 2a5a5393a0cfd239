package io.basalt.driver.node;

import io.basalt.driver.exec.Command;
import io.basalt.driver.exec.CommandRunner;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;

/** Sizes of block devices, through blockdev. */
public final class BlockDevices {

    private final CommandRunner runner;
    private final Duration pollInterval;

    public BlockDevices(CommandRunner runner, Duration pollInterval) {
        this.runner = runner;
        this.pollInterval = pollInterval;
    }

    public long sizeOf(Path device) {
        String size = runner.run(Command.of("blockdev", "--getsize64", device.toString())).stdout().strip();
        try {
            return Long.parseLong(size);
        } catch (NumberFormatException e) {
            throw Status.INTERNAL.withDescription("blockdev --getsize64 " + device + " printed '" + size
                    + "', not a size").asRuntimeException();
        }
    }

    /** Waits up to {@code limit} until {@code device} is at least {@code bytes} long, and returns its size. */
    public long awaitSize(Path device, long bytes, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            long size = sizeOf(device);
            if (size >= bytes) {
                return size;
            }
            if (System.nanoTime() >= deadline) {
                throw Status.UNAVAILABLE.withDescription(device + " is still " + size + " bytes after a rescan and "
                        + limit + " of waiting; " + bytes + " were asked for (has the target grown the LUN yet?)")
                        .asRuntimeException();
            }
            Thread.sleep(pollInterval);
        }
    }
}
