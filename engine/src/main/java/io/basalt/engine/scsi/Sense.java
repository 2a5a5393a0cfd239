package io.basalt.engine.scsi;

/**
 * Sense data (SPC-4 4.5): a sense key, an additional sense code and qualifier, and optionally
 * the information field and a sense-key specific field pointer. Encodes itself in fixed (70h)
 * or descriptor (72h) format.
 */
public record Sense(int key, int asc, int ascq, Long information, int fieldPointer) {

    public static final int NO_SENSE = 0x0;
    public static final int NOT_READY = 0x2;
    public static final int MEDIUM_ERROR = 0x3;
    public static final int HARDWARE_ERROR = 0x4;
    public static final int ILLEGAL_REQUEST = 0x5;
    public static final int UNIT_ATTENTION = 0x6;
    public static final int DATA_PROTECT = 0x7;
    public static final int MISCOMPARE = 0xE;

    /** No field pointer; otherwise bits 0-2 bit pointer, bit 3 BPV, bit 6 C/D, bits 8-23 field. */
    private static final int NO_FIELD_POINTER = -1;
    private static final int BIT_POINTER_VALID = 0x08;
    private static final int COMMAND_DATA = 0x40;
    private static final int SENSE_KEY_SPECIFIC_VALID = 0x80;

    public static Sense of(int key, int asc, int ascq) {
        return new Sense(key, asc, ascq, null, NO_FIELD_POINTER);
    }

    public static final Sense NONE = of(NO_SENSE, 0, 0);

    public static Sense invalidOperationCode() {
        return of(ILLEGAL_REQUEST, 0x20, 0x00);
    }

    public static Sense lbaOutOfRange() {
        return of(ILLEGAL_REQUEST, 0x21, 0x00);
    }

    /** INVALID FIELD IN CDB pointing at a whole byte of the CDB. */
    public static Sense invalidFieldInCdb(int byteOffset) {
        return new Sense(ILLEGAL_REQUEST, 0x24, 0x00, null, (byteOffset << 8) | COMMAND_DATA);
    }

    /** INVALID FIELD IN CDB pointing at one bit (the most significant of the field) of a CDB byte. */
    public static Sense invalidFieldInCdb(int byteOffset, int bit) {
        return new Sense(ILLEGAL_REQUEST, 0x24, 0x00, null,
                (byteOffset << 8) | COMMAND_DATA | BIT_POINTER_VALID | bit);
    }

    public static Sense invalidFieldInParameterList(int byteOffset) {
        return new Sense(ILLEGAL_REQUEST, 0x26, 0x00, null, byteOffset << 8);
    }

    public static Sense parameterListLengthError() {
        return of(ILLEGAL_REQUEST, 0x1A, 0x00);
    }

    /** The data-out buffer does not match what the CDB describes. */
    public static Sense invalidFieldInInformationUnit() {
        return of(ILLEGAL_REQUEST, 0x0E, 0x03);
    }

    public static Sense logicalUnitNotSupported() {
        return of(ILLEGAL_REQUEST, 0x25, 0x00);
    }

    public static Sense savingParametersNotSupported() {
        return of(ILLEGAL_REQUEST, 0x39, 0x00);
    }

    public static Sense invalidReleaseOfPersistentReservation() {
        return of(ILLEGAL_REQUEST, 0x26, 0x04);
    }

    public static Sense mediumRemovalPrevented() {
        return of(ILLEGAL_REQUEST, 0x53, 0x02);
    }

    /** MISCOMPARE DURING VERIFY OPERATION at byte {@code offset} of the compared data. */
    public static Sense miscompare(long offset) {
        return new Sense(MISCOMPARE, 0x1D, 0x00, offset, NO_FIELD_POINTER);
    }

    public static Sense writeProtected() {
        return of(DATA_PROTECT, 0x27, 0x02);
    }

    public static Sense unrecoveredReadError() {
        return of(MEDIUM_ERROR, 0x11, 0x00);
    }

    public static Sense writeError() {
        return of(MEDIUM_ERROR, 0x0C, 0x00);
    }

    /** NOT READY, LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE: too few replicas to write safely. */
    public static Sense logicalUnitUnavailable() {
        return of(NOT_READY, 0x04, 0x0C);
    }

    public static Sense internalTargetFailure() {
        return of(HARDWARE_ERROR, 0x44, 0x00);
    }

    public static Sense powerOnOrReset() {
        return of(UNIT_ATTENTION, 0x29, 0x00);
    }

    public static Sense logicalUnitReset() {
        return of(UNIT_ATTENTION, 0x29, 0x03);
    }

    public static Sense targetReset() {
        return of(UNIT_ATTENTION, 0x29, 0x02);
    }

    public static Sense modeParametersChanged() {
        return of(UNIT_ATTENTION, 0x2A, 0x01);
    }

    public static Sense reservationsPreempted() {
        return of(UNIT_ATTENTION, 0x2A, 0x03);
    }

    public static Sense reservationsReleased() {
        return of(UNIT_ATTENTION, 0x2A, 0x04);
    }

    public static Sense registrationsPreempted() {
        return of(UNIT_ATTENTION, 0x2A, 0x05);
    }

    public static Sense capacityDataChanged() {
        return of(UNIT_ATTENTION, 0x2A, 0x09);
    }

    public boolean isUnitAttention() {
        return key == UNIT_ATTENTION;
    }

    /** Encodes in descriptor format when {@code descriptorFormat}, else in fixed format. */
    public byte[] encode(boolean descriptorFormat) {
        return descriptorFormat ? encodeDescriptor() : encodeFixed();
    }

    private byte[] encodeFixed() {
        byte[] b = new byte[18];
        boolean informationFits = information != null && (information >>> 32) == 0;
        b[0] = (byte) (0x70 | (informationFits ? 0x80 : 0));
        b[2] = (byte) key;
        if (informationFits) {
            Cdb.putU32(b, 3, information.intValue());
        }
        b[7] = 10;
        b[12] = (byte) asc;
        b[13] = (byte) ascq;
        if (fieldPointer != NO_FIELD_POINTER) {
            putSenseKeySpecific(b, 15);
        }
        return b;
    }

    private byte[] encodeDescriptor() {
        int length = 8 + (information != null ? 12 : 0) + (fieldPointer != NO_FIELD_POINTER ? 8 : 0);
        byte[] b = new byte[length];
        b[0] = 0x72;
        b[1] = (byte) key;
        b[2] = (byte) asc;
        b[3] = (byte) ascq;
        b[7] = (byte) (length - 8);
        int p = 8;
        if (information != null) {
            b[p] = 0x00;
            b[p + 1] = 0x0A;
            b[p + 2] = (byte) 0x80;
            Cdb.putU64(b, p + 4, information);
            p += 12;
        }
        if (fieldPointer != NO_FIELD_POINTER) {
            b[p] = 0x02;
            b[p + 1] = 0x06;
            putSenseKeySpecific(b, p + 4);
        }
        return b;
    }

    private void putSenseKeySpecific(byte[] b, int at) {
        b[at] = (byte) (SENSE_KEY_SPECIFIC_VALID | (fieldPointer & 0x4F));
        b[at + 1] = (byte) (fieldPointer >>> 16);
        b[at + 2] = (byte) (fieldPointer >>> 8);
    }
}
