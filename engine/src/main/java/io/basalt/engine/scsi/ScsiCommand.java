package io.basalt.engine.scsi;

import io.netty.buffer.ByteBuf;

/**
 * One SCSI command as a transport hands it to a {@link ScsiTarget}.
 *
 * <p>For commands that carry data to the target, the transport gathers all of it first
 * (immediate, unsolicited and solicited) and passes it as {@code dataOut}; the target
 * releases that buffer once the command completes.
 *
 * @param nexus the I_T nexus the command came through
 * @param lun the logical unit number, as the 64-bit LUN field (SAM-5 4.7)
 * @param cdb the command descriptor block
 * @param attribute the task attribute
 * @param taskTag the transport's tag for this task, used by task management
 * @param expectedDataTransferLength the number of bytes the initiator expects to send or receive
 * @param dataOut the data sent by the initiator, or {@code null} when it sent none
 */
public record ScsiCommand(
        Nexus nexus,
        long lun,
        byte[] cdb,
        TaskAttribute attribute,
        long taskTag,
        int expectedDataTransferLength,
        ByteBuf dataOut) {

    /** The operation code: the first byte of the CDB. */
    public int opcode() {
        return cdb[0] & 0xff;
    }
}
