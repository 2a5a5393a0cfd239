package io.basalt.engine.acceptance.targets;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What a target under test serves: one LUN of {@code sizeBytes} backed by a (sparse) file. */
public record TargetSpec(String iqn, Path backingFile, long sizeBytes, Optional<ChapCredentials> chap,
                         List<String> allowedInitiators) {

    public static TargetSpec open(String iqn, Path backingFile, long sizeBytes) {
        return new TargetSpec(iqn, backingFile, sizeBytes, Optional.empty(), List.of());
    }

    public TargetSpec withChap(ChapCredentials credentials) {
        return new TargetSpec(iqn, backingFile, sizeBytes, Optional.of(credentials), allowedInitiators);
    }
}
