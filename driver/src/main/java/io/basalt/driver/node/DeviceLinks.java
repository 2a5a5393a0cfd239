package io.basalt.driver.node;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The stable names udev gives iSCSI disks under /dev/disk/by-path, and the devices behind them. */
public final class DeviceLinks {

    private final Path byPathDirectory;
    private final Duration pollInterval;

    public DeviceLinks(Path byPathDirectory, Duration pollInterval) {
        this.byPathDirectory = byPathDirectory;
        this.pollInterval = pollInterval;
    }

    /** The device (for example /dev/sdb) of LUN 0 of {@code target}, if udev has made its link. */
    public Optional<Path> find(IscsiTarget target) {
        try {
            return Optional.of(byPathDirectory.resolve(target.byPathName()).toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Waits up to {@code limit} for the device of {@code target} to appear. */
    public Path await(IscsiTarget target, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Optional<Path> device = find(target);
            if (device.isPresent()) {
                return device.get();
            }
            if (System.nanoTime() >= deadline) {
                throw Status.UNAVAILABLE.withDescription("logged in to " + target + " but "
                        + byPathDirectory.resolve(target.byPathName()) + " did not appear within " + limit)
                        .asRuntimeException();
            }
            Thread.sleep(pollInterval);
        }
    }
}
