package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** A PDU whose opcode this target does not know; it is answered with a Reject. */
public final class UnknownPdu extends Pdu {
    UnknownPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }
}
