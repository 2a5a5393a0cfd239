package io.basalt.engine.scsi;

/** Big-endian field access to CDBs and parameter data, as SCSI encodes every number. */
public final class Cdb {

    private Cdb() {
    }

    public static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    public static int u16(byte[] b, int at) {
        return (u8(b, at) << 8) | u8(b, at + 1);
    }

    public static int u24(byte[] b, int at) {
        return (u8(b, at) << 16) | u16(b, at + 1);
    }

    public static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }

    public static long u64(byte[] b, int at) {
        return (u32(b, at) << 32) | u32(b, at + 4);
    }

    /** The bits {@code [lowBit, lowBit + width)} of byte {@code at}. */
    public static int bits(byte[] b, int at, int lowBit, int width) {
        return (u8(b, at) >>> lowBit) & ((1 << width) - 1);
    }

    public static boolean bit(byte[] b, int at, int bit) {
        return bits(b, at, bit, 1) != 0;
    }

    /** Fails with INVALID FIELD IN CDB when the bits are not zero. */
    public static void requireZero(byte[] cdb, int at, int lowBit, int width) {
        if (bits(cdb, at, lowBit, width) != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(at, lowBit + width - 1));
        }
    }

    public static void putU16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    public static void putU32(byte[] b, int at, long value) {
        putU16(b, at, (int) (value >>> 16));
        putU16(b, at + 2, (int) value);
    }

    public static void putU64(byte[] b, int at, long value) {
        putU32(b, at, value >>> 32);
        putU32(b, at + 4, value);
    }
}
