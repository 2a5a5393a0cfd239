package io.basalt.engine.acceptance.client;

import java.nio.ByteBuffer;

/**
 * A 48-byte Basic Header Segment (RFC 7143 11.2.1) with the field accessors the test client needs.
 * Offsets follow the RFC's figures; multi-byte fields are big-endian.
 */
public final class Bhs {

    public static final int LENGTH = 48;

    public static final int NOP_OUT = 0x00;
    public static final int SCSI_COMMAND = 0x01;
    public static final int LOGIN_REQUEST = 0x03;
    public static final int DATA_OUT = 0x05;
    public static final int LOGOUT_REQUEST = 0x06;
    public static final int NOP_IN = 0x20;
    public static final int SCSI_RESPONSE = 0x21;
    public static final int LOGIN_RESPONSE = 0x23;
    public static final int DATA_IN = 0x25;
    public static final int LOGOUT_RESPONSE = 0x26;
    public static final int R2T = 0x31;
    public static final int REJECT = 0x3f;

    public static final int NO_TAG = 0xffffffff;

    private final ByteBuffer bytes;

    private Bhs(byte[] bytes) {
        this.bytes = ByteBuffer.wrap(bytes);
    }

    public static Bhs of(int opcode, boolean immediate) {
        Bhs bhs = new Bhs(new byte[LENGTH]);
        bhs.bytes.put(0, (byte) ((immediate ? 0x40 : 0) | opcode));
        return bhs;
    }

    public static Bhs wrap(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a BHS has 48 bytes, not " + bytes.length);
        }
        return new Bhs(bytes);
    }

    public byte[] bytes() {
        return bytes.array();
    }

    public int opcode() {
        return bytes.get(0) & 0x3f;
    }

    public int flags() {
        return bytes.get(1) & 0xff;
    }

    public Bhs flags(int flags) {
        bytes.put(1, (byte) flags);
        return this;
    }

    public int byteAt(int index) {
        return bytes.get(index) & 0xff;
    }

    public Bhs byteAt(int index, int value) {
        bytes.put(index, (byte) value);
        return this;
    }

    public int dataSegmentLength() {
        return (byteAt(5) << 16) | (byteAt(6) << 8) | byteAt(7);
    }

    public Bhs dataSegmentLength(int length) {
        bytes.put(5, (byte) (length >>> 16)).put(6, (byte) (length >>> 8)).put(7, (byte) length);
        return this;
    }

    public int int32(int offset) {
        return bytes.getInt(offset);
    }

    public Bhs int32(int offset, int value) {
        bytes.putInt(offset, value);
        return this;
    }

    public Bhs int16(int offset, int value) {
        bytes.putShort(offset, (short) value);
        return this;
    }

    public int int16(int offset) {
        return bytes.getShort(offset) & 0xffff;
    }

    public Bhs lun(long lun) {
        bytes.putLong(8, lun);
        return this;
    }

    public Bhs isid(long isid) {
        for (int i = 0; i < 6; i++) {
            bytes.put(8 + i, (byte) (isid >>> (8 * (5 - i))));
        }
        return this;
    }

    public int initiatorTaskTag() {
        return int32(16);
    }

    public Bhs initiatorTaskTag(int tag) {
        return int32(16, tag);
    }

    public Bhs cdb(byte[] cdb) {
        byte[] padded = new byte[16];
        System.arraycopy(cdb, 0, padded, 0, cdb.length);
        bytes.put(32, padded);
        return this;
    }

    @Override
    public String toString() {
        return String.format("BHS[opcode=0x%02x flags=0x%02x itt=0x%08x dsl=%d]", opcode(), flags(), initiatorTaskTag(),
                dataSegmentLength());
    }
}
