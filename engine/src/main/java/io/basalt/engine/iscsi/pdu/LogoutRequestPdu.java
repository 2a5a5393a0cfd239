package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Logout Request (RFC 7143 11.14). */
public final class LogoutRequestPdu extends InitiatorPdu {

    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    public LogoutRequestPdu() {
        super(Opcode.LOGOUT_REQUEST);
    }

    LogoutRequestPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int reason() {
        return u8(1) & 0x7f;
    }

    public int connectionId() {
        return u16(20);
    }

    public LogoutRequestPdu fields(boolean immediate, int reason, int initiatorTaskTag, int connectionId, int cmdSN) {
        setImmediateBit(immediate);
        setU8(1, 0x80 | reason);
        setInitiatorTaskTagField(initiatorTaskTag);
        setU16(20, connectionId);
        setInt32(24, cmdSN);
        return this;
    }
}
