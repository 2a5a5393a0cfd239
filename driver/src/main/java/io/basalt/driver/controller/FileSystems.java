package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.FsType;
import java.util.Locale;
import java.util.Optional;

/** The file systems Basalt makes, by the names the orchestrator uses. */
final class FileSystems {

    private FileSystems() {
    }

    /** "ext4" or "xfs" in any case; an empty name means the default, ext4. */
    static Optional<FsType> find(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "", "ext4" -> Optional.of(FsType.EXT4);
            case "xfs" -> Optional.of(FsType.XFS);
            default -> Optional.empty();
        };
    }

    static FsType parse(String name) {
        return find(name).orElseThrow(() -> CsiErrors.invalidArgument(unsupported(name)));
    }

    static String unsupported(String name) {
        return "file system '" + name + "' is not supported; use ext4 or xfs";
    }
}
