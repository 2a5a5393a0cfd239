package io.basalt.engine.scsi;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** MODE SENSE and MODE SELECT, 6 and 10 byte (SPC-4 6.11-6.14), over {@link ModePages}. */
final class ModeCommands {

    private static final int FF = 0xFF;
    /** DPOFUA in the device-specific parameter: DPO and FUA are supported. */
    private static final int DPOFUA = 0x10;
    private static final int WRITE_PROTECT = 0x80;
    private static final int SHORT_BLOCK_DESCRIPTOR = 8;
    private static final int LONG_BLOCK_DESCRIPTOR = 16;

    private ModeCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("MODE SELECT(6)", Access.WRITE, ModeCommands::modeSelect,
                        0x15, 0x11, 0, 0, FF, 0),
                CommandDescriptor.of("MODE SENSE(6)", Access.READ, ModeCommands::modeSense,
                        0x1A, 0x08, FF, FF, FF, 0),
                CommandDescriptor.of("MODE SELECT(10)", Access.WRITE, ModeCommands::modeSelect,
                        0x55, 0x11, 0, 0, 0, 0, 0, FF, FF, 0),
                CommandDescriptor.of("MODE SENSE(10)", Access.READ, ModeCommands::modeSense,
                        0x5A, 0x18, FF, FF, 0, 0, 0, FF, FF, 0));
    }

    static CompletableFuture<ScsiResponse> modeSense(Task task) {
        byte[] cdb = task.cdb();
        boolean ten = cdb.length == 10;
        boolean disableBlockDescriptors = Cdb.bit(cdb, 1, 3);
        boolean longLba = ten && Cdb.bit(cdb, 1, 4);
        int pageControl = Cdb.bits(cdb, 2, 6, 2);
        int pageCode = Cdb.bits(cdb, 2, 0, 6);
        int subpage = Cdb.u8(cdb, 3);
        int allocationLength = ten ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (pageControl == 3) {
            throw CommandException.checkCondition(Sense.savingParametersNotSupported());
        }
        if (!ModePages.isSupported(pageCode)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 5));
        }
        if (subpage != 0 && !(subpage == 0xFF && pageCode == ModePages.ALL_PAGES)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(3));
        }
        LogicalUnit unit = task.unit();
        byte[] pages = unit.modePages().pages(pageCode, ModePages.PageControl.values()[pageControl]);
        byte[] descriptor = disableBlockDescriptors ? new byte[0] : blockDescriptor(unit, longLba);
        int header = ten ? 8 : 4;
        byte[] data = new byte[header + descriptor.length + pages.length];
        int deviceSpecific = DPOFUA | (unit.modePages().softwareWriteProtect() ? WRITE_PROTECT : 0);
        if (ten) {
            Cdb.putU16(data, 0, data.length - 2);
            data[3] = (byte) deviceSpecific;
            data[4] = (byte) (longLba ? 0x01 : 0);
            Cdb.putU16(data, 6, descriptor.length);
        } else {
            data[0] = (byte) (data.length - 1);
            data[2] = (byte) deviceSpecific;
            data[3] = (byte) descriptor.length;
        }
        System.arraycopy(descriptor, 0, data, header, descriptor.length);
        System.arraycopy(pages, 0, data, header + descriptor.length, pages.length);
        return Task.dataIn(data, allocationLength);
    }

    private static byte[] blockDescriptor(LogicalUnit unit, boolean longLba) {
        long blocks = unit.blocks();
        if (longLba) {
            byte[] descriptor = new byte[LONG_BLOCK_DESCRIPTOR];
            Cdb.putU64(descriptor, 0, blocks);
            Cdb.putU32(descriptor, 12, unit.blockSize());
            return descriptor;
        }
        byte[] descriptor = new byte[SHORT_BLOCK_DESCRIPTOR];
        Cdb.putU32(descriptor, 0, Math.min(blocks, 0xFFFF_FFFFL));
        Cdb.putU32(descriptor, 4, unit.blockSize());
        return descriptor;
    }

    static CompletableFuture<ScsiResponse> modeSelect(Task task) {
        byte[] cdb = task.cdb();
        boolean ten = cdb.length == 10;
        if (Cdb.bit(cdb, 1, 0)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 0));
        }
        int length = ten ? Cdb.u16(cdb, 7) : Cdb.u8(cdb, 4);
        if (length == 0) {
            return Task.good();
        }
        int header = ten ? 8 : 4;
        if (length < header) {
            throw CommandException.checkCondition(Sense.parameterListLengthError());
        }
        byte[] parameters = task.parameterList(length);
        int mediumType = parameters[ten ? 2 : 1];
        if (mediumType != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(ten ? 2 : 1));
        }
        int descriptorLength = ten ? Cdb.u16(parameters, 6) : Cdb.u8(parameters, 3);
        boolean longLba = ten && Cdb.bit(parameters, 4, 0);
        LogicalUnit unit = task.unit();
        if (descriptorLength != 0) {
            int expected = longLba ? LONG_BLOCK_DESCRIPTOR : SHORT_BLOCK_DESCRIPTOR;
            if (descriptorLength != expected) {
                throw CommandException.checkCondition(Sense.invalidFieldInParameterList(ten ? 6 : 3));
            }
            if (header + descriptorLength > length) {
                throw CommandException.checkCondition(Sense.parameterListLengthError());
            }
            long blockLength = longLba ? Cdb.u32(parameters, header + 12) : Cdb.u24(parameters, header + 5);
            if (blockLength != unit.blockSize()) {
                throw CommandException.checkCondition(Sense.invalidFieldInParameterList(header + (longLba ? 12 : 5)));
            }
        }
        int pagesAt = header + descriptorLength;
        boolean changed = unit.modePages().select(Arrays.copyOfRange(parameters, pagesAt, length), pagesAt);
        if (changed) {
            unit.unitAttentions().raiseForOthers(task.nexus(), Sense.modeParametersChanged());
        }
        return CompletableFuture.completedFuture(ScsiResponse.status(ScsiResponse.GOOD, length));
    }
}
