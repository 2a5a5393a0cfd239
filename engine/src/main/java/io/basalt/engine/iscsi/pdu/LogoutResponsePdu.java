package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Logout Response (RFC 7143 11.15). */
public final class LogoutResponsePdu extends TargetPdu {

    public static final int CLOSED_SUCCESSFULLY = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int RECOVERY_NOT_SUPPORTED = 2;

    public LogoutResponsePdu(int initiatorTaskTag, int response, int time2Wait, int time2Retain) {
        super(Opcode.LOGOUT_RESPONSE);
        setInitiatorTaskTagField(initiatorTaskTag);
        setU8(2, response);
        setU16(40, time2Wait);
        setU16(42, time2Retain);
    }

    LogoutResponsePdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int response() {
        return u8(2);
    }

    public int time2Wait() {
        return u16(40);
    }

    public int time2Retain() {
        return u16(42);
    }
}
