package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** A PDU sent by an initiator: most carry CmdSN and ExpStatSN at bytes 24 and 28. */
public abstract sealed class InitiatorPdu extends Pdu
        permits NopOutPdu, ScsiCommandPdu, TaskManagementRequestPdu, LoginRequestPdu, TextRequestPdu,
                DataOutPdu, LogoutRequestPdu, SnackRequestPdu {

    protected InitiatorPdu(Opcode opcode) {
        super(opcode);
    }

    protected InitiatorPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }

    public int cmdSN() {
        return int32(24);
    }

    public int expStatSN() {
        return int32(28);
    }
}
