package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** A PDU sent by a target: StatSN, ExpCmdSN and MaxCmdSN sit at bytes 24, 28 and 32. */
public abstract sealed class TargetPdu extends Pdu
        permits NopInPdu, ScsiResponsePdu, TaskManagementResponsePdu, LoginResponsePdu, TextResponsePdu,
                DataInPdu, LogoutResponsePdu, ReadyToTransferPdu, RejectPdu {

    protected TargetPdu(Opcode opcode) {
        super(opcode);
        setFlag(1, 0x80, true);
    }

    protected TargetPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int statSN() {
        return int32(24);
    }

    public int expCmdSN() {
        return int32(28);
    }

    public int maxCmdSN() {
        return int32(32);
    }

    public void setSequenceNumbers(int statSN, int expCmdSN, int maxCmdSN) {
        setInt32(24, statSN);
        setInt32(28, expCmdSN);
        setInt32(32, maxCmdSN);
    }
}
