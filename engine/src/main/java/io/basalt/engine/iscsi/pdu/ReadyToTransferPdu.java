package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Ready To Transfer, R2T (RFC 7143 11.8): asks the initiator for a range of write data. */
public final class ReadyToTransferPdu extends TargetPdu {

    public ReadyToTransferPdu(int initiatorTaskTag, long lun, int targetTransferTag, int r2tSN, int bufferOffset,
            int desiredLength) {
        super(Opcode.READY_TO_TRANSFER);
        setLunField(lun);
        setInitiatorTaskTagField(initiatorTaskTag);
        setInt32(20, targetTransferTag);
        setInt32(36, r2tSN);
        setInt32(40, bufferOffset);
        setInt32(44, desiredLength);
    }

    ReadyToTransferPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public int r2tSN() {
        return int32(36);
    }

    public int bufferOffset() {
        return int32(40);
    }

    public int desiredDataTransferLength() {
        return int32(44);
    }
}
