package io.basalt.engine.scsi;

/**
 * The logical blocks a CDB addresses: its LOGICAL BLOCK ADDRESS and a number of blocks, as
 * unsigned values (an LBA above 2^63 arrives as a negative long).
 */
public record BlockRange(long lba, long blocks) {

    /** READ(6)/WRITE(6): 21-bit LBA; a transfer length of 0 means 256 blocks. */
    public static BlockRange of6(byte[] cdb) {
        long lba = ((cdb[1] & 0x1fL) << 16) | Cdb.u16(cdb, 2);
        int blocks = Cdb.u8(cdb, 4);
        return new BlockRange(lba, blocks == 0 ? 256 : blocks);
    }

    /** 10-byte CDBs: LBA in bytes 2-5, length in bytes 7-8. */
    public static BlockRange of10(byte[] cdb) {
        return new BlockRange(Cdb.u32(cdb, 2), Cdb.u16(cdb, 7));
    }

    /** 12-byte CDBs: LBA in bytes 2-5, length in bytes 6-9. */
    public static BlockRange of12(byte[] cdb) {
        return new BlockRange(Cdb.u32(cdb, 2), Cdb.u32(cdb, 6));
    }

    /** 16-byte CDBs: LBA in bytes 2-9, length in bytes 10-13. */
    public static BlockRange of16(byte[] cdb) {
        return new BlockRange(Cdb.u64(cdb, 2), Cdb.u32(cdb, 10));
    }

    /** The range for a CDB of any of the four sizes, chosen by its length. */
    public static BlockRange of(byte[] cdb) {
        return switch (cdb.length) {
            case 6 -> of6(cdb);
            case 10 -> of10(cdb);
            case 12 -> of12(cdb);
            default -> of16(cdb);
        };
    }

    /** Fails with LOGICAL BLOCK ADDRESS OUT OF RANGE unless the range lies within the unit. */
    public BlockRange requireWithin(long capacityBlocks) {
        if (Long.compareUnsigned(lba, capacityBlocks) > 0 || Long.compareUnsigned(blocks, capacityBlocks - lba) > 0) {
            throw CommandException.checkCondition(Sense.lbaOutOfRange());
        }
        return this;
    }

    public long byteOffset(int blockSize) {
        return lba * blockSize;
    }

    /** The length in bytes; callers have bounded {@code blocks} by a transfer limit. */
    public int byteLength(int blockSize) {
        return Math.toIntExact(blocks * blockSize);
    }
}
