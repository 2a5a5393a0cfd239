package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Response (RFC 7143 11.11). */
public final class TextResponsePdu extends TargetPdu {

    public TextResponsePdu(int initiatorTaskTag, boolean isFinal, boolean continues, int targetTransferTag,
            ByteBuf keyValues) {
        super(Opcode.TEXT_RESPONSE);
        setFlag(1, 0x80, isFinal);
        setFlag(1, 0x40, continues);
        setInitiatorTaskTagField(initiatorTaskTag);
        setInt32(20, targetTransferTag);
        setDataSegment(keyValues);
    }

    TextResponsePdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public boolean continues() {
        return flag(1, 0x40);
    }

    public int targetTransferTag() {
        return int32(20);
    }
}
