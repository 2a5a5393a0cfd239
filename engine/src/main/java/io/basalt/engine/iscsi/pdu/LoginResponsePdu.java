package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Login Response (RFC 7143 11.13). */
public final class LoginResponsePdu extends TargetPdu {

    public LoginResponsePdu(LoginRequestPdu request, int tsih) {
        super(Opcode.LOGIN_RESPONSE);
        setFlag(1, 0x80, false);
        setU8(2, 0);
        setU8(3, 0);
        setLong64(8, (request.isid() << 16) | tsih);
        setInitiatorTaskTagField(request.initiatorTaskTag());
    }

    LoginResponsePdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public LoginResponsePdu stages(boolean transit, boolean continues, int currentStage, int nextStage) {
        setU8(1, (transit ? 0x80 : 0) | (continues ? 0x40 : 0) | (currentStage << 2) | (transit ? nextStage : 0));
        return this;
    }

    public LoginResponsePdu status(int statusClass, int statusDetail) {
        setU8(36, statusClass);
        setU8(37, statusDetail);
        return this;
    }

    public LoginResponsePdu text(ByteBuf keyValues) {
        setDataSegment(keyValues);
        return this;
    }

    public boolean transit() {
        return flag(1, 0x80);
    }

    public boolean continues() {
        return flag(1, 0x40);
    }

    public int currentStage() {
        return (u8(1) >> 2) & 0x03;
    }

    public int nextStage() {
        return u8(1) & 0x03;
    }

    public int tsih() {
        return u16(14);
    }

    public int statusClass() {
        return u8(36);
    }

    public int statusDetail() {
        return u8(37);
    }
}
