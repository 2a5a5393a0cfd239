package io.basalt.engine.replica.protocol;

/** Why a request failed; travels as one byte. */
public enum ErrorCode {
    AUTHENTICATION_FAILED(1),
    NOT_AUTHENTICATED(2),
    UNKNOWN_REPLICA(3),
    STALE_EPOCH(4),
    OUT_OF_RANGE(5),
    IO_ERROR(6),
    INVALID_REQUEST(7),
    /** A copy could not read its source replica (see {@link Message.CopyFrom}). */
    SOURCE_FAILED(8);

    private final int wireValue;

    ErrorCode(int wireValue) {
        this.wireValue = wireValue;
    }

    public int wireValue() {
        return wireValue;
    }

    public static ErrorCode fromWire(int value) {
        for (ErrorCode code : values()) {
            if (code.wireValue == value) {
                return code;
            }
        }
        throw new ProtocolViolationException("unknown error code " + value);
    }
}
