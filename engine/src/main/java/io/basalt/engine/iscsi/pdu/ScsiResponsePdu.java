package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SCSI Response (RFC 7143 11.4): status, residuals and sense data of a finished command. */
public final class ScsiResponsePdu extends TargetPdu {

    public static final int COMMAND_COMPLETED = 0x00;

    public ScsiResponsePdu(int initiatorTaskTag, int status, Residual residual, int expDataSN, ByteBuf senseSegment) {
        super(Opcode.SCSI_RESPONSE);
        setInitiatorTaskTagField(initiatorTaskTag);
        setU8(2, COMMAND_COMPLETED);
        setU8(3, status);
        setFlag(1, 0x04, residual.overflow());
        setFlag(1, 0x02, residual.underflow());
        setInt32(36, expDataSN);
        setInt32(44, residual.count());
        setDataSegment(senseSegment);
    }

    ScsiResponsePdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int response() {
        return u8(2);
    }

    public int status() {
        return u8(3);
    }

    public boolean residualOverflow() {
        return flag(1, 0x04);
    }

    public boolean residualUnderflow() {
        return flag(1, 0x02);
    }

    public int residualCount() {
        return int32(44);
    }

    public int expDataSN() {
        return int32(36);
    }
}
