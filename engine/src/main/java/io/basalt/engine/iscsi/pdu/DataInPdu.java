package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SCSI Data-In (RFC 7143 11.7), optionally carrying the command's status (the S bit). */
public final class DataInPdu extends TargetPdu {

    private static final int STATUS_PRESENT = 0x01;

    public DataInPdu(int initiatorTaskTag, long lun, int dataSN, int bufferOffset, boolean isFinal, ByteBuf data) {
        super(Opcode.DATA_IN);
        setFlag(1, 0x80, isFinal);
        setLunField(lun);
        setInitiatorTaskTagField(initiatorTaskTag);
        setInt32(20, RESERVED_TAG);
        setInt32(36, dataSN);
        setInt32(40, bufferOffset);
        setDataSegment(data);
    }

    DataInPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    /** Collapses the status phase into this final Data-In. */
    public DataInPdu withStatus(int status, Residual residual) {
        setFlag(1, STATUS_PRESENT, true);
        setFlag(1, 0x04, residual.overflow());
        setFlag(1, 0x02, residual.underflow());
        setU8(3, status);
        setInt32(44, residual.count());
        return this;
    }

    public boolean hasStatus() {
        return flag(1, STATUS_PRESENT);
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

    public int dataSN() {
        return int32(36);
    }

    public int bufferOffset() {
        return int32(40);
    }
}
