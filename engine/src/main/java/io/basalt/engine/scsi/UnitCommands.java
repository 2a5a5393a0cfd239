package io.basalt.engine.scsi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commands about the logical unit as a whole: TEST UNIT READY, REQUEST SENSE, READ CAPACITY,
 * START STOP UNIT and PREVENT ALLOW MEDIUM REMOVAL.
 */
final class UnitCommands {

    private static final int FF = 0xFF;

    private UnitCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("TEST UNIT READY", Access.ALLOWED, task -> Task.good(), 0x00, 0, 0, 0, 0, 0),
                CommandDescriptor.of("REQUEST SENSE", Access.ALLOWED, UnitCommands::requestSense,
                        0x03, 0x01, 0, 0, FF, 0).keepingUnitAttention(),
                CommandDescriptor.of("READ CAPACITY(10)", Access.ALLOWED, UnitCommands::readCapacity10,
                        0x25, 0, 0, 0, 0, 0, 0, 0, 0x01, 0),
                CommandDescriptor.withServiceAction("READ CAPACITY(16)", 0x10, Access.ALLOWED,
                        UnitCommands::readCapacity16, 0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, FF, FF, FF, FF, 0, 0),
                CommandDescriptor.of("START STOP UNIT", Access.READ, UnitCommands::startStopUnit,
                        0x1B, 0x01, 0, 0x0F, 0xF7, 0),
                CommandDescriptor.of("PREVENT ALLOW MEDIUM REMOVAL", Access.READ, UnitCommands::preventAllow,
                        0x1E, 0, 0, 0, 0x03, 0));
    }

    /** Returns and clears the oldest pending unit attention, or NO SENSE. */
    static CompletableFuture<ScsiResponse> requestSense(Task task) {
        byte[] cdb = task.cdb();
        boolean descriptorFormat = Cdb.bit(cdb, 1, 0);
        Sense pending = task.unit().unitAttentions().take(task.nexus());
        Sense sense = pending != null ? pending : Sense.NONE;
        return Task.dataIn(sense.encode(descriptorFormat), Cdb.u8(cdb, 4));
    }

    static CompletableFuture<ScsiResponse> readCapacity10(Task task) {
        byte[] cdb = task.cdb();
        if (!Cdb.bit(cdb, 8, 0) && Cdb.u32(cdb, 2) != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2));
        }
        LogicalUnit unit = task.unit();
        long lastLba = unit.blocks() - 1;
        byte[] data = new byte[8];
        // Too large for 32 bits: the initiator has to use READ CAPACITY(16).
        Cdb.putU32(data, 0, Math.min(lastLba, 0xFFFF_FFFFL));
        Cdb.putU32(data, 4, unit.blockSize());
        return Task.dataIn(data, data.length);
    }

    static CompletableFuture<ScsiResponse> readCapacity16(Task task) {
        LogicalUnit unit = task.unit();
        byte[] data = new byte[32];
        Cdb.putU64(data, 0, unit.blocks() - 1);
        Cdb.putU32(data, 8, unit.blockSize());
        data[13] = (byte) unit.config().physicalBlockExponent();
        // LBPME: thin provisioned; LBPRZ: deallocated blocks read as zeroes.
        data[14] = (byte) 0xC0;
        return Task.dataIn(data, (int) Math.min(Cdb.u32(task.cdb(), 10), Integer.MAX_VALUE));
    }

    static CompletableFuture<ScsiResponse> startStopUnit(Task task) {
        byte[] cdb = task.cdb();
        boolean immediate = Cdb.bit(cdb, 1, 0);
        int powerCondition = Cdb.bits(cdb, 4, 4, 4);
        boolean noFlush = Cdb.bit(cdb, 4, 2);
        boolean loadEject = Cdb.bit(cdb, 4, 1);
        boolean start = Cdb.bit(cdb, 4, 0);
        LogicalUnit unit = task.unit();
        if (powerCondition == 0 && loadEject && !start && unit.removalPrevented()) {
            throw CommandException.checkCondition(Sense.mediumRemovalPrevented());
        }
        // The medium is not removable and never spins down: only the cache flush of a stop matters.
        if (powerCondition != 0 || start || noFlush) {
            return Task.good();
        }
        CompletableFuture<Void> flush = unit.device().flush();
        return immediate ? Task.good() : flush.thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, 0));
    }

    static CompletableFuture<ScsiResponse> preventAllow(Task task) {
        int prevent = Cdb.bits(task.cdb(), 4, 0, 2);
        task.unit().preventRemoval(prevent == 1);
        return Task.good();
    }
}
