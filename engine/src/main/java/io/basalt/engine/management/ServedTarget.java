package io.basalt.engine.management;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.iscsi.session.Session;
import io.basalt.engine.scsi.LogicalUnit;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the management API of a target looks after: the target's name and portal, its logical unit,
 * where its data lives and the sessions logged in.
 *
 * @param advertisedPortal HOST:PORT discovery answers with, or {@code null} for the address each
 *                         initiator connected to
 */
public record ServedTarget(String iqn, String advertisedPortal, LogicalUnit unit, TargetBackend backend,
                           Supplier<List<Session>> sessions) {

    /** A file-backed target. */
    public ServedTarget(String iqn, String advertisedPortal, LogicalUnit unit, FileBlockDevice file,
            Supplier<List<Session>> sessions) {
        this(iqn, advertisedPortal, unit, new TargetBackend.File(file), sessions);
    }
}
