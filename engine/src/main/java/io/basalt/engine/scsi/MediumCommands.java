package io.basalt.engine.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commands about the medium as a whole (SBC-3 5.10, 5.11, 5.17): READ DEFECT DATA, which has
 * nothing to report for a file, and SANITIZE with BLOCK ERASE, which deallocates every block.
 */
final class MediumCommands {

    private static final int FF = 0xFF;
    private static final int BLOCK_ERASE = 0x02;
    private static final int EXIT_FAILURE_MODE = 0x1F;

    private MediumCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("READ DEFECT DATA(10)", Access.READ, MediumCommands::readDefectData10,
                        0x37, 0, 0x1F, 0, 0, 0, 0, FF, FF, 0),
                CommandDescriptor.of("READ DEFECT DATA(12)", Access.READ, MediumCommands::readDefectData12,
                        0xB7, 0x1F, 0, 0, 0, 0, FF, FF, FF, FF, 0, 0),
                CommandDescriptor.withServiceAction("SANITIZE/BLOCK ERASE", BLOCK_ERASE, Access.WRITE,
                        MediumCommands::sanitize, 0x48, 0xA2, 0, 0, 0, 0, 0, FF, FF, 0),
                CommandDescriptor.withServiceAction("SANITIZE/EXIT FAILURE MODE", EXIT_FAILURE_MODE, Access.WRITE,
                        MediumCommands::sanitize, 0x48, 0xBF, 0, 0, 0, 0, 0, FF, FF, 0));
    }

    /** An empty defect list in the format asked for. */
    static CompletableFuture<ScsiResponse> readDefectData10(Task task) {
        byte[] cdb = task.cdb();
        byte[] data = new byte[4];
        data[1] = (byte) Cdb.bits(cdb, 2, 0, 5);
        return Task.dataIn(data, Cdb.u16(cdb, 7));
    }

    static CompletableFuture<ScsiResponse> readDefectData12(Task task) {
        byte[] cdb = task.cdb();
        byte[] data = new byte[8];
        data[1] = (byte) Cdb.bits(cdb, 1, 0, 5);
        return Task.dataIn(data, (int) Math.min(Cdb.u32(cdb, 6), Integer.MAX_VALUE));
    }

    /**
     * BLOCK ERASE deallocates the whole unit under an exclusive lock, so that no write lands in
     * the middle of it; there is never a failed sanitize to exit. Completion is reported when
     * the erase is done, also with IMMED: a thin unit erases in moments.
     */
    static CompletableFuture<ScsiResponse> sanitize(Task task) {
        byte[] cdb = task.cdb();
        Cdb.requireZero(cdb, 1, 6, 1);
        for (int at = 2; at <= 6; at++) {
            Cdb.requireZero(cdb, at, 0, 8);
        }
        if (Cdb.u16(cdb, 7) != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(7));
        }
        LogicalUnit unit = task.unit();
        ReadWriteCommands.requireWritable(unit);
        if (Cdb.bits(cdb, 1, 0, 5) == EXIT_FAILURE_MODE) {
            return Task.good();
        }
        long blocks = unit.blocks();
        return unit.rangeLocks().acquireExclusive(0, blocks).thenCompose(lease -> unit.device()
                        .deallocate(0, blocks * unit.blockSize())
                        .whenComplete((done, failure) -> lease.release()))
                .thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, 0));
    }
}
