package io.basalt.driver.node;

import java.util.List;

/**
 * What is mounted at one path, as findmnt reports it.
 *
 * @param source the device (for a bind mount of a sub-directory findmnt appends {@code [/dir]})
 * @param fsType the file system type
 * @param options the mount options in effect
 */
public record MountPoint(String source, String fsType, List<String> options) {

    public MountPoint {
        options = List.copyOf(options);
    }

    public boolean readOnly() {
        return options.contains("ro");
    }

    /** The device alone, without the sub-directory findmnt shows for bind mounts. */
    public String device() {
        int bracket = source.indexOf('[');
        return bracket < 0 ? source : source.substring(0, bracket);
    }
}
