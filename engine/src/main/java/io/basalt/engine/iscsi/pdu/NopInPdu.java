package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-In (RFC 7143 11.19): the answer to a NOP-Out, or a target's own ping. */
public final class NopInPdu extends TargetPdu {

    public NopInPdu(int initiatorTaskTag, int targetTransferTag, long lun, ByteBuf pingData) {
        super(Opcode.NOP_IN);
        setInitiatorTaskTagField(initiatorTaskTag);
        setInt32(20, targetTransferTag);
        setLunField(lun);
        setDataSegment(pingData);
    }

    NopInPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int targetTransferTag() {
        return int32(20);
    }
}
