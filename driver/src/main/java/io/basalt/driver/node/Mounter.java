package io.basalt.driver.node;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Mount table reads and changes; every one of them asks the system, none is remembered. */
public interface Mounter {

    /** What is mounted exactly at {@code target}, if anything. */
    Optional<MountPoint> find(Path target);

    default boolean isMountPoint(Path target) {
        return find(target).isPresent();
    }

    /** Mounts the file system on {@code device} at {@code target}. */
    void mount(Path device, Path target, String fsType, List<String> options);

    /**
     * Makes {@code source} (a directory or a device node) visible at {@code target} too,
     * read-only when asked; on failure nothing stays mounted at {@code target}.
     */
    void bindMount(Path source, Path target, boolean readOnly);

    /** Unmounts whatever is mounted at {@code target}. */
    void unmount(Path target);

    /** How many mounts stacked on one path {@link #unmountAll} takes off before it gives up. */
    int MAX_STACKED_MOUNTS = 16;

    /** Unmounts {@code target} until nothing is mounted there; nothing mounted is fine. */
    default void unmountAll(Path target) {
        for (int stacked = 0; isMountPoint(target); stacked++) {
            if (stacked == MAX_STACKED_MOUNTS) {
                throw Status.INTERNAL.withDescription(target + " is still mounted after " + MAX_STACKED_MOUNTS
                        + " unmounts").asRuntimeException();
            }
            unmount(target);
        }
    }
}
