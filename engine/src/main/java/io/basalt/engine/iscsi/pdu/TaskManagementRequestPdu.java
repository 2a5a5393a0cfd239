package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Task Management Function Request (RFC 7143 11.5). */
public final class TaskManagementRequestPdu extends InitiatorPdu {

    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    public TaskManagementRequestPdu() {
        super(Opcode.TASK_MANAGEMENT_REQUEST);
        setFlag(1, 0x80, true);
    }

    TaskManagementRequestPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int function() {
        return u8(1) & 0x7f;
    }

    public int referencedTaskTag() {
        return int32(20);
    }

    public int refCmdSN() {
        return int32(32);
    }

    public TaskManagementRequestPdu immediate(boolean immediate) {
        setImmediateBit(immediate);
        return this;
    }

    public TaskManagementRequestPdu function(int function) {
        setU8(1, 0x80 | function);
        return this;
    }

    public TaskManagementRequestPdu lun(long lun) {
        setLunField(lun);
        return this;
    }

    public TaskManagementRequestPdu initiatorTaskTag(int tag) {
        setInitiatorTaskTagField(tag);
        return this;
    }

    public TaskManagementRequestPdu referencedTaskTag(int tag) {
        setInt32(20, tag);
        return this;
    }

    public TaskManagementRequestPdu cmdSN(int cmdSN) {
        setInt32(24, cmdSN);
        return this;
    }

    public TaskManagementRequestPdu refCmdSN(int refCmdSN) {
        setInt32(32, refCmdSN);
        return this;
    }
}
