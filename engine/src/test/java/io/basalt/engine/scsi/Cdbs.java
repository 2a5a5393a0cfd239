package io.basalt.engine.scsi;

/** CDBs for tests, built field by field. */
final class Cdbs {

    private Cdbs() {
    }

    static byte[] testUnitReady() {
        return new byte[6];
    }

    static byte[] requestSense(boolean descriptor, int allocation) {
        return new byte[] {0x03, (byte) (descriptor ? 1 : 0), 0, 0, (byte) allocation, 0};
    }

    static byte[] inquiry(boolean evpd, int page, int allocation) {
        byte[] cdb = {0x12, (byte) (evpd ? 1 : 0), (byte) page, 0, 0, 0};
        Cdb.putU16(cdb, 3, allocation);
        return cdb;
    }

    static byte[] reportLuns(int select, int allocation) {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xA0;
        cdb[2] = (byte) select;
        Cdb.putU32(cdb, 6, allocation);
        return cdb;
    }

    static byte[] readCapacity10() {
        byte[] cdb = new byte[10];
        cdb[0] = 0x25;
        return cdb;
    }

    static byte[] readCapacity16(int allocation) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x10;
        Cdb.putU32(cdb, 10, allocation);
        return cdb;
    }

    static byte[] read6(long lba, int blocks) {
        return new byte[] {0x08, (byte) (lba >>> 16), (byte) (lba >>> 8), (byte) lba, (byte) blocks, 0};
    }

    static byte[] write6(long lba, int blocks) {
        byte[] cdb = read6(lba, blocks);
        cdb[0] = 0x0A;
        return cdb;
    }

    static byte[] ten(int opcode, int flags, long lba, int blocks) {
        byte[] cdb = new byte[10];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) flags;
        Cdb.putU32(cdb, 2, lba);
        Cdb.putU16(cdb, 7, blocks);
        return cdb;
    }

    static byte[] twelve(int opcode, int flags, long lba, long blocks) {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) flags;
        Cdb.putU32(cdb, 2, lba);
        Cdb.putU32(cdb, 6, blocks);
        return cdb;
    }

    static byte[] sixteen(int opcode, int flags, long lba, long blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) opcode;
        cdb[1] = (byte) flags;
        Cdb.putU64(cdb, 2, lba);
        Cdb.putU32(cdb, 10, blocks);
        return cdb;
    }

    static byte[] read10(long lba, int blocks) {
        return ten(0x28, 0, lba, blocks);
    }

    static byte[] write10(long lba, int blocks) {
        return ten(0x2A, 0, lba, blocks);
    }

    static byte[] read16(long lba, long blocks) {
        return sixteen(0x88, 0, lba, blocks);
    }

    static byte[] write16(long lba, long blocks) {
        return sixteen(0x8A, 0, lba, blocks);
    }

    static byte[] verify16(int byteCheck, long lba, long blocks) {
        return sixteen(0x8F, byteCheck << 1, lba, blocks);
    }

    static byte[] compareAndWrite(long lba, int blocks) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x89;
        Cdb.putU64(cdb, 2, lba);
        cdb[13] = (byte) blocks;
        return cdb;
    }

    static byte[] writeSame16(int flags, long lba, long blocks) {
        return sixteen(0x93, flags, lba, blocks);
    }

    static byte[] writeSame10(int flags, long lba, int blocks) {
        return ten(0x41, flags, lba, blocks);
    }

    static byte[] unmap(int parameterLength) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x42;
        Cdb.putU16(cdb, 7, parameterLength);
        return cdb;
    }

    /** UNMAP parameter data with one descriptor per pair of (lba, blocks). */
    static byte[] unmapParameters(long... lbaAndBlocks) {
        int descriptors = lbaAndBlocks.length / 2;
        byte[] data = new byte[8 + 16 * descriptors];
        Cdb.putU16(data, 0, data.length - 2);
        Cdb.putU16(data, 2, 16 * descriptors);
        for (int i = 0; i < descriptors; i++) {
            Cdb.putU64(data, 8 + 16 * i, lbaAndBlocks[2 * i]);
            Cdb.putU32(data, 16 + 16 * i, lbaAndBlocks[2 * i + 1]);
        }
        return data;
    }

    static byte[] getLbaStatus(long lba, int allocation) {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) 0x9E;
        cdb[1] = 0x12;
        Cdb.putU64(cdb, 2, lba);
        Cdb.putU32(cdb, 10, allocation);
        return cdb;
    }

    static byte[] synchronizeCache10(long lba, int blocks) {
        return ten(0x35, 0, lba, blocks);
    }

    static byte[] modeSense6(boolean dbd, int pageControl, int page, int subpage, int allocation) {
        return new byte[] {0x1A, (byte) (dbd ? 0x08 : 0), (byte) ((pageControl << 6) | page), (byte) subpage,
                (byte) allocation, 0};
    }

    static byte[] modeSense10(boolean llbaa, int pageControl, int page, int allocation) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5A;
        cdb[1] = (byte) (llbaa ? 0x10 : 0);
        cdb[2] = (byte) ((pageControl << 6) | page);
        Cdb.putU16(cdb, 7, allocation);
        return cdb;
    }

    static byte[] modeSelect6(int length) {
        return new byte[] {0x15, 0x10, 0, 0, (byte) length, 0};
    }

    static byte[] persistentReserveIn(int action, int allocation) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5E;
        cdb[1] = (byte) action;
        Cdb.putU16(cdb, 7, allocation);
        return cdb;
    }

    static byte[] persistentReserveOut(int action, int type) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5F;
        cdb[1] = (byte) action;
        cdb[2] = (byte) type;
        Cdb.putU32(cdb, 5, 24);
        return cdb;
    }

    static byte[] proutParameters(long key, long serviceActionKey) {
        byte[] data = new byte[24];
        Cdb.putU64(data, 0, key);
        Cdb.putU64(data, 8, serviceActionKey);
        return data;
    }

    static byte[] reportSupportedOpcodes(boolean timeouts, int options, int opcode, int serviceAction, int allocation) {
        byte[] cdb = new byte[12];
        cdb[0] = (byte) 0xA3;
        cdb[1] = 0x0C;
        cdb[2] = (byte) ((timeouts ? 0x80 : 0) | options);
        cdb[3] = (byte) opcode;
        Cdb.putU16(cdb, 4, serviceAction);
        Cdb.putU32(cdb, 6, allocation);
        return cdb;
    }
}
