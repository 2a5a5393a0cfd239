package io.basalt.engine.scsi;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), answered from the dispatch table itself. */
final class SupportedOperationCodes {

    private static final int FF = 0xFF;
    private static final int ALL_COMMANDS = 0;
    private static final int ONE_OPCODE = 1;
    private static final int ONE_SERVICE_ACTION = 2;
    private static final int ONE_EITHER = 3;
    private static final int NOT_SUPPORTED = 0x01;
    private static final int SUPPORTED = 0x03;
    /** Recommended command timeout reported with RCTD, in seconds. */
    private static final int RECOMMENDED_TIMEOUT_SECONDS = 30;

    private final CommandSet commands;

    SupportedOperationCodes(CommandSet commands) {
        this.commands = commands;
    }

    CommandDescriptor descriptor() {
        return CommandDescriptor.withServiceAction("REPORT SUPPORTED OPERATION CODES", 0x0C, Access.ALLOWED,
                this::execute, 0xA3, 0x0C, 0x87, FF, FF, FF, FF, FF, FF, FF, 0, 0);
    }

    CompletableFuture<ScsiResponse> execute(Task task) {
        byte[] cdb = task.cdb();
        boolean timeouts = Cdb.bit(cdb, 2, 7);
        int options = Cdb.bits(cdb, 2, 0, 3);
        int opcode = Cdb.u8(cdb, 3);
        int serviceAction = Cdb.u16(cdb, 4);
        int allocationLength = (int) Math.min(Cdb.u32(cdb, 6), Integer.MAX_VALUE);
        byte[] data = switch (options) {
            case ALL_COMMANDS -> allCommands(timeouts);
            case ONE_OPCODE -> {
                if (commands.usesServiceAction(opcode)) {
                    throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 2));
                }
                yield oneCommand(commands.find(opcode, -1), timeouts);
            }
            case ONE_SERVICE_ACTION -> {
                if (commands.supportsOpcode(opcode) && !commands.usesServiceAction(opcode)) {
                    throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 2));
                }
                yield oneCommand(commands.find(opcode, serviceAction), timeouts);
            }
            case ONE_EITHER -> oneCommand(commands.find(opcode, serviceAction), timeouts);
            default -> throw CommandException.checkCondition(Sense.invalidFieldInCdb(2, 2));
        };
        return Task.dataIn(data, allocationLength);
    }

    private byte[] allCommands(boolean timeouts) {
        List<CommandDescriptor> all = commands.all();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[4]);
        for (CommandDescriptor command : all) {
            byte[] descriptor = new byte[8];
            descriptor[0] = (byte) command.opcode();
            if (command.hasServiceAction()) {
                Cdb.putU16(descriptor, 2, command.serviceAction());
            }
            descriptor[5] = (byte) ((timeouts ? 0x02 : 0) | (command.hasServiceAction() ? 0x01 : 0));
            Cdb.putU16(descriptor, 6, command.usage().length);
            out.writeBytes(descriptor);
            if (timeouts) {
                out.writeBytes(timeoutsDescriptor());
            }
        }
        byte[] data = out.toByteArray();
        Cdb.putU32(data, 0, data.length - 4);
        return data;
    }

    private static byte[] oneCommand(CommandDescriptor command, boolean timeouts) {
        if (command == null) {
            byte[] data = new byte[4];
            data[1] = NOT_SUPPORTED;
            return data;
        }
        byte[] usage = command.usage();
        byte[] data = new byte[4 + usage.length + (timeouts ? 12 : 0)];
        data[1] = (byte) ((timeouts ? 0x80 : 0) | SUPPORTED);
        Cdb.putU16(data, 2, usage.length);
        System.arraycopy(usage, 0, data, 4, usage.length);
        if (timeouts) {
            System.arraycopy(timeoutsDescriptor(), 0, data, 4 + usage.length, 12);
        }
        return data;
    }

    private static byte[] timeoutsDescriptor() {
        byte[] descriptor = new byte[12];
        Cdb.putU16(descriptor, 0, 0x0A);
        Cdb.putU32(descriptor, 8, RECOMMENDED_TIMEOUT_SECONDS);
        return descriptor;
    }
}
