package io.basalt.engine.management;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.replication.ReplicatedBlockDevice;

/** Where a target's data lives. */
public sealed interface TargetBackend {

    record File(FileBlockDevice device) implements TargetBackend {
    }

    record Replicated(ReplicatedBlockDevice device) implements TargetBackend {
    }
}
