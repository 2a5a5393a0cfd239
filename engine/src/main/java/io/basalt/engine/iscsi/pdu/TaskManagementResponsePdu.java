package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** Task Management Function Response (RFC 7143 11.6). */
public final class TaskManagementResponsePdu extends TargetPdu {

    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int FUNCTION_NOT_SUPPORTED = 5;
    public static final int FUNCTION_REJECTED = 255;

    public TaskManagementResponsePdu(int initiatorTaskTag, int response) {
        super(Opcode.TASK_MANAGEMENT_RESPONSE);
        setInitiatorTaskTagField(initiatorTaskTag);
        setU8(2, response);
    }

    TaskManagementResponsePdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int response() {
        return u8(2);
    }
}
