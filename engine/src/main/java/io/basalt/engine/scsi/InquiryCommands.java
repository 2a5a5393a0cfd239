package io.basalt.engine.scsi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** INQUIRY with its vital product data pages (SPC-4 6.6, 7.8; SBC-3 6.5) and REPORT LUNS. */
final class InquiryCommands {

    private static final int FF = 0xFF;
    private static final int DIRECT_ACCESS = 0x00;
    /** Peripheral qualifier 3, type 1Fh: no logical unit at this LUN. */
    private static final int NO_LOGICAL_UNIT = 0x7F;
    private static final int SPC4 = 0x06;
    private static final int[] VERSION_DESCRIPTORS = {0x00A0 /* SAM-5 */, 0x0960 /* iSCSI */,
            0x0460 /* SPC-4 */, 0x04C0 /* SBC-3 */};

    static final int SUPPORTED_PAGES = 0x00;
    static final int UNIT_SERIAL_NUMBER = 0x80;
    static final int DEVICE_IDENTIFICATION = 0x83;
    static final int BLOCK_LIMITS = 0xB0;
    static final int BLOCK_DEVICE_CHARACTERISTICS = 0xB1;
    static final int LOGICAL_BLOCK_PROVISIONING = 0xB2;
    private static final int[] PAGES = {SUPPORTED_PAGES, UNIT_SERIAL_NUMBER, DEVICE_IDENTIFICATION,
            BLOCK_LIMITS, BLOCK_DEVICE_CHARACTERISTICS, LOGICAL_BLOCK_PROVISIONING};

    /** The relative port identifier of the single target port. */
    private static final int RELATIVE_TARGET_PORT = 1;

    private InquiryCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("INQUIRY", Access.ALLOWED, InquiryCommands::inquiry, 0x12, 0x01, FF, FF, FF, 0)
                        .keepingUnitAttention(),
                CommandDescriptor.of("REPORT LUNS", Access.ALLOWED, InquiryCommands::reportLuns,
                        0xA0, 0, FF, 0, 0, 0, FF, FF, FF, FF, 0, 0).keepingUnitAttention());
    }

    static CompletableFuture<ScsiResponse> inquiry(Task task) {
        byte[] cdb = task.cdb();
        Cdb.requireZero(cdb, 1, 1, 1);
        int allocationLength = Cdb.u16(cdb, 3);
        int pageCode = Cdb.u8(cdb, 2);
        if (!Cdb.bit(cdb, 1, 0)) {
            if (pageCode != 0) {
                throw CommandException.checkCondition(Sense.invalidFieldInCdb(2));
            }
            return Task.dataIn(standard(task.unit().config(), DIRECT_ACCESS), allocationLength);
        }
        return Task.dataIn(vpdPage(task, pageCode), allocationLength);
    }

    /** The standard INQUIRY data for a LUN that has no logical unit. */
    static byte[] noLogicalUnit(LogicalUnitConfig config) {
        return standard(config, NO_LOGICAL_UNIT);
    }

    private static byte[] standard(LogicalUnitConfig config, int peripheral) {
        byte[] data = new byte[96];
        data[0] = (byte) peripheral;
        data[2] = SPC4;
        // HISUP, RESPONSE DATA FORMAT 2.
        data[3] = 0x12;
        data[4] = (byte) (data.length - 5);
        // CMDQUE: the unit has a task set.
        data[7] = 0x02;
        putAscii(data, 8, config.vendor(), 8);
        putAscii(data, 16, config.product(), 16);
        putAscii(data, 32, config.revision(), 4);
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            Cdb.putU16(data, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return data;
    }

    private static byte[] vpdPage(Task task, int pageCode) {
        LogicalUnitConfig config = task.unit().config();
        byte[] body = switch (pageCode) {
            case SUPPORTED_PAGES -> supportedPages();
            case UNIT_SERIAL_NUMBER -> config.serialNumber().getBytes(StandardCharsets.US_ASCII);
            case DEVICE_IDENTIFICATION -> deviceIdentification(config, task.nexus());
            case BLOCK_LIMITS -> blockLimits(config);
            case BLOCK_DEVICE_CHARACTERISTICS -> blockDeviceCharacteristics();
            case LOGICAL_BLOCK_PROVISIONING -> logicalBlockProvisioning();
            default -> throw CommandException.checkCondition(Sense.invalidFieldInCdb(2));
        };
        byte[] page = new byte[4 + body.length];
        page[0] = DIRECT_ACCESS;
        page[1] = (byte) pageCode;
        Cdb.putU16(page, 2, body.length);
        System.arraycopy(body, 0, page, 4, body.length);
        return page;
    }

    private static byte[] supportedPages() {
        byte[] body = new byte[PAGES.length];
        for (int i = 0; i < PAGES.length; i++) {
            body[i] = (byte) PAGES[i];
        }
        return body;
    }

    private static byte[] deviceIdentification(LogicalUnitConfig config, Nexus nexus) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] naa = new byte[8];
        Cdb.putU64(naa, 0, config.naaIdentifier());
        // Binary code set, logical unit association, NAA designator.
        designator(out, 0x01, 0x03, naa);
        byte[] vendor = new byte[8];
        putAscii(vendor, 0, config.vendor(), 8);
        byte[] serial = config.serialNumber().getBytes(StandardCharsets.US_ASCII);
        byte[] t10 = Arrays.copyOf(vendor, 8 + serial.length);
        System.arraycopy(serial, 0, t10, 8, serial.length);
        // ASCII code set, logical unit association, T10 vendor ID based designator.
        designator(out, 0x02, 0x01, t10);
        byte[] relativePort = new byte[4];
        Cdb.putU16(relativePort, 2, RELATIVE_TARGET_PORT);
        // iSCSI protocol, binary, PIV, target port association, relative target port.
        designator(out, 0x51, 0x94, relativePort);
        // iSCSI protocol, UTF-8, PIV, target port association, SCSI name string.
        designator(out, 0x53, 0x98, scsiName(nexus.targetPort()));
        int separator = nexus.targetPort().indexOf(",t,");
        String targetName = separator < 0 ? nexus.targetPort() : nexus.targetPort().substring(0, separator);
        // iSCSI protocol, UTF-8, PIV, target device association, SCSI name string.
        designator(out, 0x53, 0xA8, scsiName(targetName));
        return out.toByteArray();
    }

    private static void designator(ByteArrayOutputStream out, int protocolAndCodeSet, int associationAndType,
                                   byte[] value) {
        out.write(protocolAndCodeSet);
        out.write(associationAndType);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
    }

    /** A SCSI name string: UTF-8, null-terminated, padded with nulls to a multiple of four. */
    private static byte[] scsiName(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, (utf8.length + 4) & ~3);
    }

    private static byte[] blockLimits(LogicalUnitConfig config) {
        byte[] body = new byte[0x3C];
        // WSNZ clear: WRITE SAME with zero blocks reaches the last LBA.
        body[1] = (byte) config.maxCompareAndWriteBlocks();
        Cdb.putU16(body, 2, config.optimalTransferGranularity());
        Cdb.putU32(body, 4, config.maxTransferBlocks());
        Cdb.putU32(body, 8, config.optimalTransferBlocks());
        Cdb.putU32(body, 16, config.maxUnmapBlocks());
        Cdb.putU32(body, 20, config.maxUnmapDescriptors());
        Cdb.putU32(body, 24, config.optimalUnmapGranularity());
        // UGAVALID with alignment 0.
        Cdb.putU32(body, 28, 0x8000_0000L);
        Cdb.putU64(body, 32, config.maxWriteSameBlocks());
        return body;
    }

    private static byte[] blockDeviceCharacteristics() {
        byte[] body = new byte[0x3C];
        // MEDIUM ROTATION RATE 1: non-rotating medium.
        Cdb.putU16(body, 0, 0x0001);
        // WABEREQ 01b: after a SANITIZE BLOCK ERASE, reads succeed (and return zeroes).
        body[3] = 0x40;
        return body;
    }

    private static byte[] logicalBlockProvisioning() {
        byte[] body = new byte[4];
        // LBPU, LBPWS, LBPWS10, LBPRZ.
        body[1] = (byte) (0x80 | 0x40 | 0x20 | 0x04);
        // PROVISIONING TYPE 2: thin.
        body[2] = 0x02;
        return body;
    }

    static CompletableFuture<ScsiResponse> reportLuns(Task task) {
        byte[] cdb = task.cdb();
        int select = Cdb.u8(cdb, 2);
        long allocationLength = Cdb.u32(cdb, 6);
        if (select > 2) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(2));
        }
        if (allocationLength < 16) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(6));
        }
        // One logical unit, LUN 0; there are no well-known logical units.
        int luns = select == 1 ? 0 : 1;
        byte[] data = new byte[8 + 8 * luns];
        Cdb.putU32(data, 0, 8L * luns);
        return Task.dataIn(data, (int) Math.min(allocationLength, Integer.MAX_VALUE));
    }

    private static void putAscii(byte[] target, int at, String value, int width) {
        Arrays.fill(target, at, at + width, (byte) ' ');
        byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(ascii, 0, target, at, Math.min(ascii.length, width));
    }
}
