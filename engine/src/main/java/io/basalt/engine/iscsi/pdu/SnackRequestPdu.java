package io.basalt.engine.iscsi.pdu;

import io.netty.buffer.ByteBuf;

/** SNACK Request (RFC 7143 11.16); at ErrorRecoveryLevel 0 it is rejected. */
public final class SnackRequestPdu extends InitiatorPdu {

    SnackRequestPdu(byte[] bhs, byte[] ahs, ByteBuf data) {
        super(bhs, ahs, data);
    }
}
