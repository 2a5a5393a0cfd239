package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Text Request (RFC 7143 11.10). */
public final class TextRequestPdu extends InitiatorPdu {

    public TextRequestPdu() {
        super(Opcode.TEXT_REQUEST);
        setFlag(1, 0x80, true);
        setInt32(20, RESERVED_TAG);
    }

    TextRequestPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public boolean continues() {
        return flag(1, 0x40);
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public TextRequestPdu immediate(boolean immediate) {
        setImmediateBit(immediate);
        return this;
    }

    /** Sets C (more text follows) and with it clears F, which must be 0 while C is 1. */
    public TextRequestPdu continues(boolean continues) {
        setFlag(1, 0x40, continues);
        setFlag(1, 0x80, !continues);
        return this;
    }

    public TextRequestPdu initiatorTaskTag(int tag) {
        setInitiatorTaskTagField(tag);
        return this;
    }

    public TextRequestPdu targetTransferTag(int tag) {
        setInt32(20, tag);
        return this;
    }

    public TextRequestPdu cmdSN(int cmdSN) {
        setInt32(24, cmdSN);
        return this;
    }

    public TextRequestPdu text(ByteBuf keyValues) {
        setDataSegment(keyValues);
        return this;
    }
}
