package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** NOP-Out (RFC 7143 11.18): a ping from the initiator, or its answer to a NOP-In. */
public final class NopOutPdu extends InitiatorPdu {

    public NopOutPdu() {
        super(Opcode.NOP_OUT);
        setFlag(1, 0x80, true);
    }

    NopOutPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int targetTransferTag() {
        return int32(20);
    }

    public NopOutPdu immediate(boolean immediate) {
        setImmediateBit(immediate);
        return this;
    }

    public NopOutPdu initiatorTaskTag(int tag) {
        setInitiatorTaskTagField(tag);
        return this;
    }

    public NopOutPdu targetTransferTag(int tag) {
        setInt32(20, tag);
        return this;
    }

    public NopOutPdu cmdSN(int cmdSN) {
        setInt32(24, cmdSN);
        return this;
    }

    public NopOutPdu pingData(ByteBuf data) {
        setDataSegment(data);
        return this;
    }
}
