package io.basalt.engine.iscsi.pdu;

/** The iSCSI opcodes this target understands (RFC 7143 11.2.1.2). */
public enum Opcode {
    NOP_OUT(0x00),
    SCSI_COMMAND(0x01),
    TASK_MANAGEMENT_REQUEST(0x02),
    LOGIN_REQUEST(0x03),
    TEXT_REQUEST(0x04),
    DATA_OUT(0x05),
    LOGOUT_REQUEST(0x06),
    SNACK_REQUEST(0x10),
    NOP_IN(0x20),
    SCSI_RESPONSE(0x21),
    TASK_MANAGEMENT_RESPONSE(0x22),
    LOGIN_RESPONSE(0x23),
    TEXT_RESPONSE(0x24),
    DATA_IN(0x25),
    LOGOUT_RESPONSE(0x26),
    READY_TO_TRANSFER(0x31),
    REJECT(0x3f);

    private static final Opcode[] BY_CODE = new Opcode[64];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The opcode for the low six bits of a BHS's first byte, or {@code null} when unknown. */
    public static Opcode of(int code) {
        return BY_CODE[code & 0x3f];
    }
}
