package io.basalt.engine.scsi;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * What a logical unit reports about itself: identification and block limits.
 *
 * @param vendor T10 vendor identification, at most 8 ASCII characters
 * @param product product identification, at most 16 ASCII characters
 * @param revision product revision level, at most 4 ASCII characters
 * @param serialNumber unit serial number, printable ASCII; identifies the volume
 * @param physicalBlockExponent logical blocks per physical block, as a power of two
 * @param maxTransferBlocks MAXIMUM TRANSFER LENGTH of reads and writes
 * @param optimalTransferGranularity OPTIMAL TRANSFER LENGTH GRANULARITY, in blocks
 * @param optimalTransferBlocks OPTIMAL TRANSFER LENGTH, in blocks
 * @param maxUnmapBlocks MAXIMUM UNMAP LBA COUNT
 * @param maxUnmapDescriptors MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
 * @param optimalUnmapGranularity OPTIMAL UNMAP GRANULARITY, in blocks: the smallest range whose
 *     unmapping gives space back
 * @param maxWriteSameBlocks MAXIMUM WRITE SAME LENGTH
 * @param maxCompareAndWriteBlocks MAXIMUM COMPARE AND WRITE LENGTH
 */
public record LogicalUnitConfig(
        String vendor,
        String product,
        String revision,
        String serialNumber,
        int physicalBlockExponent,
        int maxTransferBlocks,
        int optimalTransferGranularity,
        int optimalTransferBlocks,
        int maxUnmapBlocks,
        int maxUnmapDescriptors,
        int optimalUnmapGranularity,
        int maxWriteSameBlocks,
        int maxCompareAndWriteBlocks) {

    public LogicalUnitConfig {
        requireAscii(vendor, 8, "vendor");
        requireAscii(product, 16, "product");
        requireAscii(revision, 4, "revision");
        requireAscii(serialNumber, 64, "serialNumber");
        if (maxCompareAndWriteBlocks < 1 || maxCompareAndWriteBlocks > 255) {
            throw new IllegalArgumentException("maxCompareAndWriteBlocks must be 1..255");
        }
    }

    /**
     * Basalt's identification and limits for a volume with this serial number.
     *
     * <p>Physical blocks are reported as logical blocks (exponent 0) although storage allocates
     * 4 KiB: with a larger physical block, GET LBA STATUS could not both start its answer at the
     * requested LBA (SBC-3, and QEMU checks it) and satisfy libiscsi's conformance tests. The 4 KiB
     * preference is still given as the optimal transfer and unmap granularity.
     */
    public static LogicalUnitConfig basalt(String serialNumber) {
        return new LogicalUnitConfig("BASALT", "VOLUME", "0001", serialNumber,
                0, 16384, 8, 2048, 1 << 20, 256, 8, 16384, 255);
    }

    /**
     * A locally assigned NAA identifier (NAA 3h) derived from the serial number, so that every
     * target serving the same volume reports the same identifier.
     */
    public long naaIdentifier() {
        byte[] bytes = serialNumber.getBytes(StandardCharsets.US_ASCII);
        CRC32C low = new CRC32C();
        low.update(bytes);
        CRC32C high = new CRC32C();
        high.update(new StringBuilder(serialNumber).reverse().toString().getBytes(StandardCharsets.US_ASCII));
        long value = (high.getValue() << 32) | low.getValue();
        return (0x3L << 60) | (value & 0x0FFF_FFFF_FFFF_FFFFL);
    }

    private static void requireAscii(String value, int maxLength, String name) {
        if (value == null || value.isEmpty() || value.length() > maxLength
                || !value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw new IllegalArgumentException(name + " must be 1.." + maxLength + " printable ASCII characters");
        }
    }
}
