package io.basalt.engine.scsi;

/**
 * One supported command: how to dispatch it and what REPORT SUPPORTED OPERATION CODES says
 * about it.
 *
 * @param opcode the operation code
 * @param serviceAction the service action, or -1 when the opcode has none
 * @param name the command's name, for logs
 * @param usage the CDB usage data (SPC-4 6.35.3): the CDB length and a mask of the bits the
 *     device server looks at, starting with the opcode
 * @param access how reservations of other nexuses restrict it
 * @param keepsUnitAttention true for INQUIRY, REPORT LUNS and REQUEST SENSE, which run despite
 *     a pending unit attention and do not clear it
 * @param transfersBlocks whether the CDB's transfer length counts blocks of data-in or data-out,
 *     which is then the transfer length reported even when the command fails
 * @param handler what executes it
 */
public record CommandDescriptor(
        int opcode,
        int serviceAction,
        String name,
        byte[] usage,
        Access access,
        boolean keepsUnitAttention,
        boolean transfersBlocks,
        CommandHandler handler) {

    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }

    /** A command without service action. */
    public static CommandDescriptor of(String name, Access access, CommandHandler handler, int... usage) {
        return new CommandDescriptor(usage[0], -1, name, toBytes(usage), access, false, false, handler);
    }

    /** A command with a service action in the low five bits of byte 1. */
    public static CommandDescriptor withServiceAction(String name, int serviceAction, Access access,
                                                      CommandHandler handler, int... usage) {
        return new CommandDescriptor(usage[0], serviceAction, name, toBytes(usage), access, false, false, handler);
    }

    /** The same command, running despite pending unit attentions. */
    public CommandDescriptor keepingUnitAttention() {
        return new CommandDescriptor(opcode, serviceAction, name, usage, access, true, transfersBlocks, handler);
    }

    /** The same command, marked as moving the blocks its transfer length counts. */
    public CommandDescriptor transferringBlocks() {
        return new CommandDescriptor(opcode, serviceAction, name, usage, access, keepsUnitAttention, true, handler);
    }

    private static byte[] toBytes(int[] usage) {
        byte[] bytes = new byte[usage.length];
        for (int i = 0; i < usage.length; i++) {
            bytes[i] = (byte) usage[i];
        }
        return bytes;
    }
}
