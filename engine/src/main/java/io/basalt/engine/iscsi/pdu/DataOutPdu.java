package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SCSI Data-Out (RFC 7143 11.7): write data, unsolicited or answering an R2T. */
public final class DataOutPdu extends InitiatorPdu {

    public DataOutPdu() {
        super(Opcode.DATA_OUT);
    }

    DataOutPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public int dataSN() {
        return int32(36);
    }

    public int bufferOffset() {
        return int32(40);
    }

    public DataOutPdu fields(boolean isFinal, int initiatorTaskTag, int targetTransferTag, int dataSN, int bufferOffset) {
        setFlag(1, 0x80, isFinal);
        setInitiatorTaskTagField(initiatorTaskTag);
        setInt32(20, targetTransferTag);
        setInt32(36, dataSN);
        setInt32(40, bufferOffset);
        return this;
    }

    public DataOutPdu payload(ByteBuf data) {
        setDataSegment(data);
        return this;
    }
}
