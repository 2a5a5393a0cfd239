package io.basalt.engine.scsi;

import io.netty.buffer.ByteBuf;

/**
 * The outcome of one SCSI command.
 *
 * <p>The transport compares {@code transferLength}, the number of bytes the CDB called for,
 * with the initiator's expected data transfer length to report residual overflow or underflow,
 * and sends at most the expected length of {@code dataIn}. It releases {@code dataIn}.
 *
 * @param status the SCSI status byte (SAM-5 5.3)
 * @param sense sense data (SPC-4 4.5) for CHECK CONDITION, otherwise an empty array
 * @param dataIn data for the initiator, or {@code null} when there is none
 * @param transferLength the bytes of data-in or data-out that the CDB called for
 */
public record ScsiResponse(int status, byte[] sense, ByteBuf dataIn, long transferLength) {

    public static final int GOOD = 0x00;
    public static final int CHECK_CONDITION = 0x02;
    public static final int CONDITION_MET = 0x04;
    public static final int BUSY = 0x08;
    public static final int RESERVATION_CONFLICT = 0x18;
    public static final int TASK_SET_FULL = 0x28;
    public static final int TASK_ABORTED = 0x40;

    private static final byte[] NO_SENSE = new byte[0];

    public static ScsiResponse good(ByteBuf dataIn, long transferLength) {
        return new ScsiResponse(GOOD, NO_SENSE, dataIn, transferLength);
    }

    public static ScsiResponse status(int status, long transferLength) {
        return new ScsiResponse(status, NO_SENSE, null, transferLength);
    }

    public static ScsiResponse checkCondition(byte[] sense, long transferLength) {
        return new ScsiResponse(CHECK_CONDITION, sense, null, transferLength);
    }
}
