package io.basalt.driver.node;

import io.basalt.api.v1alpha1.FsType;
import java.util.List;
import java.util.Optional;

/** How the orchestrator wants a volume: as a raw block device or as a mounted file system. */
public sealed interface VolumeAccess {

    /** The device itself, bind-mounted onto a file. */
    record Block() implements VolumeAccess {
    }

    /**
     * A mounted file system.
     *
     * @param fsType the type asked for; the VolumeClaim's when empty
     * @param flags extra mount options
     */
    record Mount(Optional<FsType> fsType, List<String> flags) implements VolumeAccess {
        public Mount {
            flags = List.copyOf(flags);
        }
    }
}
