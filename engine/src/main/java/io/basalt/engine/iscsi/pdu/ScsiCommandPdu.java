package io.basalt.engine.iscsi.pdu;

import io.basalt.engine.scsi.TaskAttribute;
import io.netty.buffer.ByteBuf;

/** SCSI Command (RFC 7143 11.3). */
public final class ScsiCommandPdu extends InitiatorPdu {

    private static final int READ = 0x40;
    private static final int WRITE = 0x20;
    private static final int CDB_OFFSET = 32;
    private static final int CDB_LENGTH = 16;
    private static final int AHS_EXTENDED_CDB = 1;

    public ScsiCommandPdu() {
        super(Opcode.SCSI_COMMAND);
    }

    ScsiCommandPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public boolean isRead() {
        return flag(1, READ);
    }

    public boolean isWrite() {
        return flag(1, WRITE);
    }

    public TaskAttribute taskAttribute() {
        return switch (u8(1) & 0x07) {
            case 0 -> TaskAttribute.UNTAGGED;
            case 2 -> TaskAttribute.ORDERED;
            case 3 -> TaskAttribute.HEAD_OF_QUEUE;
            case 4 -> TaskAttribute.ACA;
            default -> TaskAttribute.SIMPLE;
        };
    }

    public int expectedDataTransferLength() {
        return int32(20);
    }

    /** The CDB: the 16 bytes of the BHS, extended by an Extended-CDB AHS when present (RFC 7143 11.2.2.3). */
    public byte[] cdb() {
        byte[] ahs = ahs();
        int extension = 0;
        if (ahs.length >= 4 && (ahs[2] & 0xff) == AHS_EXTENDED_CDB) {
            extension = (((ahs[0] & 0xff) << 8) | (ahs[1] & 0xff)) - 1;
        }
        byte[] cdb = new byte[CDB_LENGTH + Math.max(0, Math.min(extension, ahs.length - 4))];
        System.arraycopy(bytes(CDB_OFFSET, CDB_LENGTH), 0, cdb, 0, CDB_LENGTH);
        if (cdb.length > CDB_LENGTH) {
            System.arraycopy(ahs, 4, cdb, CDB_LENGTH, cdb.length - CDB_LENGTH);
        }
        return cdb;
    }

    public ScsiCommandPdu immediate(boolean immediate) {
        setImmediateBit(immediate);
        return this;
    }

    public ScsiCommandPdu flags(boolean isFinal, boolean read, boolean write) {
        setFlag(1, 0x80, isFinal);
        setFlag(1, READ, read);
        setFlag(1, WRITE, write);
        return this;
    }

    public ScsiCommandPdu simpleAttribute() {
        setU8(1, (u8(1) & ~0x07) | 1);
        return this;
    }

    public ScsiCommandPdu lun(long lun) {
        setLunField(lun);
        return this;
    }

    public ScsiCommandPdu initiatorTaskTag(int tag) {
        setInitiatorTaskTagField(tag);
        return this;
    }

    public ScsiCommandPdu expectedDataTransferLength(int length) {
        setInt32(20, length);
        return this;
    }

    public ScsiCommandPdu cmdSN(int cmdSN) {
        setInt32(24, cmdSN);
        return this;
    }

    public ScsiCommandPdu cdb(byte[] cdb) {
        byte[] padded = new byte[CDB_LENGTH];
        System.arraycopy(cdb, 0, padded, 0, Math.min(cdb.length, CDB_LENGTH));
        setBytes(CDB_OFFSET, padded);
        return this;
    }

    public ScsiCommandPdu immediateData(ByteBuf data) {
        setDataSegment(data);
        return this;
    }
}
