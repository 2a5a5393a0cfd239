package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * One iSCSI PDU: its 48-byte Basic Header Segment, additional header segments and data segment
 * (RFC 7143 11.2). Typed subclasses give the opcode-specific fields names; the bytes stay the
 * single source of truth, so a PDU reads and writes the same way in both directions.
 *
 * <p>The data segment is owned by the PDU: whoever consumes a received PDU calls {@link #release()},
 * and a PDU handed to the channel transfers its data to the encoder.
 */
public abstract sealed class Pdu permits InitiatorPdu, TargetPdu, UnknownPdu {

    public static final int BHS_LENGTH = 48;
    /** The tag value meaning "no task" (RFC 7143 11.2.1.8). */
    public static final int RESERVED_TAG = 0xffffffff;

    private static final byte[] NO_AHS = new byte[0];

    private final byte[] bhs;
    private final byte[] ahs;
    private ByteBuf data;

    protected Pdu(Opcode opcode) {
        this.bhs = new byte[BHS_LENGTH];
        this.ahs = NO_AHS;
        this.data = Unpooled.EMPTY_BUFFER;
        bhs[0] = (byte) opcode.code();
    }

    protected Pdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        if (bhs.length != BHS_LENGTH) {
            throw new IllegalArgumentException("a BHS has 48 bytes, not " + bhs.length);
        }
        this.bhs = bhs;
        this.ahs = ahs;
        this.data = data;
    }

    /** Builds the typed PDU for a received header; unknown opcodes give an {@link UnknownPdu}. */
    public static Pdu fromWire(byte[] bhs, byte[] ahs, ByteBuf data) {
        Opcode opcode = Opcode.of(bhs[0]);
        if (opcode == null) {
            return new UnknownPdu(bhs, ahs, data);
        }
        return switch (opcode) {
            case NOP_OUT -> new NopOutPdu(bhs, ahs, data);
            case SCSI_COMMAND -> new ScsiCommandPdu(bhs, ahs, data);
            case TASK_MANAGEMENT_REQUEST -> new TaskManagementRequestPdu(bhs, ahs, data);
            case LOGIN_REQUEST -> new LoginRequestPdu(bhs, ahs, data);
            case TEXT_REQUEST -> new TextRequestPdu(bhs, ahs, data);
            case DATA_OUT -> new DataOutPdu(bhs, ahs, data);
            case LOGOUT_REQUEST -> new LogoutRequestPdu(bhs, ahs, data);
            case SNACK_REQUEST -> new SnackRequestPdu(bhs, ahs, data);
            case NOP_IN -> new NopInPdu(bhs, ahs, data);
            case SCSI_RESPONSE -> new ScsiResponsePdu(bhs, ahs, data);
            case TASK_MANAGEMENT_RESPONSE -> new TaskManagementResponsePdu(bhs, ahs, data);
            case LOGIN_RESPONSE -> new LoginResponsePdu(bhs, ahs, data);
            case TEXT_RESPONSE -> new TextResponsePdu(bhs, ahs, data);
            case DATA_IN -> new DataInPdu(bhs, ahs, data);
            case LOGOUT_RESPONSE -> new LogoutResponsePdu(bhs, ahs, data);
            case READY_TO_TRANSFER -> new ReadyToTransferPdu(bhs, ahs, data);
            case REJECT -> new RejectPdu(bhs, ahs, data);
        };
    }

    /** The opcode code (low six bits of byte 0). */
    public int opcodeCode() {
        return bhs[0] & 0x3f;
    }

    public boolean isImmediate() {
        return (bhs[0] & 0x40) != 0;
    }

    public boolean isFinal() {
        return flag(1, 0x80);
    }

    public long lun() {
        return long64(8);
    }

    public int initiatorTaskTag() {
        return int32(16);
    }

    /** A copy of the Basic Header Segment, as a Reject PDU carries it. */
    public byte[] bhsBytes() {
        return Arrays.copyOf(bhs, BHS_LENGTH);
    }

    public byte[] ahs() {
        return ahs;
    }

    public ByteBuf data() {
        return data;
    }

    public int dataSegmentLength() {
        return data.readableBytes();
    }

    /** Releases the data segment; the PDU must not be used for its data afterwards. */
    public void release() {
        ByteBuf old = data;
        data = Unpooled.EMPTY_BUFFER;
        old.release();
    }

    /** Gives up ownership of the data segment to the caller. */
    public ByteBuf takeData() {
        ByteBuf taken = data;
        data = Unpooled.EMPTY_BUFFER;
        return taken;
    }

    /** Writes the BHS with its length fields filled in; used by the encoder. */
    public void writeBhs(ByteBuf out, int totalAhsWords, int dataSegmentLength) {
        bhs[4] = (byte) totalAhsWords;
        setU24(5, dataSegmentLength);
        out.writeBytes(bhs);
    }

    protected final void setDataSegment(ByteBuf newData) {
        data.release();
        data = newData;
    }

    protected final void setImmediateBit(boolean immediate) {
        bhs[0] = (byte) (immediate ? bhs[0] | 0x40 : bhs[0] & ~0x40);
    }

    protected final void setLunField(long lun) {
        setLong64(8, lun);
    }

    protected final void setInitiatorTaskTagField(int tag) {
        setInt32(16, tag);
    }

    protected final boolean flag(int offset, int mask) {
        return (bhs[offset] & mask) != 0;
    }

    protected final void setFlag(int offset, int mask, boolean on) {
        bhs[offset] = (byte) (on ? bhs[offset] | mask : bhs[offset] & ~mask);
    }

    protected final int u8(int offset) {
        return bhs[offset] & 0xff;
    }

    protected final void setU8(int offset, int value) {
        bhs[offset] = (byte) value;
    }

    protected final int u16(int offset) {
        return ((bhs[offset] & 0xff) << 8) | (bhs[offset + 1] & 0xff);
    }

    protected final void setU16(int offset, int value) {
        bhs[offset] = (byte) (value >>> 8);
        bhs[offset + 1] = (byte) value;
    }

    protected final void setU24(int offset, int value) {
        bhs[offset] = (byte) (value >>> 16);
        bhs[offset + 1] = (byte) (value >>> 8);
        bhs[offset + 2] = (byte) value;
    }

    protected final int int32(int offset) {
        return ((bhs[offset] & 0xff) << 24) | ((bhs[offset + 1] & 0xff) << 16)
                | ((bhs[offset + 2] & 0xff) << 8) | (bhs[offset + 3] & 0xff);
    }

    protected final void setInt32(int offset, int value) {
        bhs[offset] = (byte) (value >>> 24);
        bhs[offset + 1] = (byte) (value >>> 16);
        bhs[offset + 2] = (byte) (value >>> 8);
        bhs[offset + 3] = (byte) value;
    }

    protected final long long64(int offset) {
        return ((long) int32(offset) << 32) | (int32(offset + 4) & 0xffffffffL);
    }

    protected final void setLong64(int offset, long value) {
        setInt32(offset, (int) (value >>> 32));
        setInt32(offset + 4, (int) value);
    }

    protected final byte[] bytes(int offset, int length) {
        return Arrays.copyOfRange(bhs, offset, offset + length);
    }

    protected final void setBytes(int offset, byte[] value) {
        System.arraycopy(value, 0, bhs, offset, value.length);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[itt=0x" + Integer.toHexString(initiatorTaskTag())
                + ", dataLength=" + data.readableBytes() + "]";
    }
}
