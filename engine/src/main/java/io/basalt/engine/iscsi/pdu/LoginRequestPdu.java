package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Login Request (RFC 7143 11.12). */
public final class LoginRequestPdu extends InitiatorPdu {

    public LoginRequestPdu() {
        super(Opcode.LOGIN_REQUEST);
        setImmediateBit(true);
    }

    LoginRequestPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
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

    public int versionMax() {
        return u8(2);
    }

    public int versionMin() {
        return u8(3);
    }

    /** The 6-byte initiator session ID as an unsigned number. */
    public long isid() {
        return long64(8) >>> 16;
    }

    public int tsih() {
        return u16(14);
    }

    public int connectionId() {
        return u16(20);
    }

    public LoginRequestPdu stages(boolean transit, boolean continues, int currentStage, int nextStage) {
        setU8(1, (transit ? 0x80 : 0) | (continues ? 0x40 : 0) | (currentStage << 2) | nextStage);
        return this;
    }

    public LoginRequestPdu isid(long isid) {
        setLong64(8, (isid << 16) | tsih());
        return this;
    }

    public LoginRequestPdu tsih(int tsih) {
        setU16(14, tsih);
        return this;
    }

    public LoginRequestPdu versions(int max, int min) {
        setU8(2, max);
        setU8(3, min);
        return this;
    }

    public LoginRequestPdu initiatorTaskTag(int tag) {
        setInitiatorTaskTagField(tag);
        return this;
    }

    public LoginRequestPdu connectionId(int cid) {
        setU16(20, cid);
        return this;
    }

    public LoginRequestPdu cmdSN(int cmdSN) {
        setInt32(24, cmdSN);
        return this;
    }

    public LoginRequestPdu text(ByteBuf keyValues) {
        setDataSegment(keyValues);
        return this;
    }
}
