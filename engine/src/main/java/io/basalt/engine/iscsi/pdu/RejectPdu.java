package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Reject (RFC 7143 11.17): carries the header of the PDU it refuses. */
public final class RejectPdu extends TargetPdu {

    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int INVALID_PDU_FIELD = 0x09;

    public RejectPdu(int reason, byte[] rejectedBhs) {
        super(Opcode.REJECT);
        setU8(2, reason);
        setInitiatorTaskTagField(RESERVED_TAG);
        setDataSegment(Unpooled.wrappedBuffer(rejectedBhs));
    }

    RejectPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int reason() {
        return u8(2);
    }
}
