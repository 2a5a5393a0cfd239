package io.basalt.engine.iscsi.pdu;

/** The residual of a command (RFC 7143 11.4.5): overflow or underflow and its byte count. */
public record Residual(boolean overflow, boolean underflow, int count) {

    public static final Residual NONE = new Residual(false, false, 0);

    /**
     * The residual for a command whose initiator expected {@code expected} bytes, whose CDB called
     * for {@code called} bytes, and for which {@code transferred} bytes actually moved.
     */
    public static Residual of(long expected, long called, long transferred) {
        if (called > expected) {
            return new Residual(true, false, (int) Math.min(called - expected, 0xffffffffL));
        }
        if (transferred < expected) {
            return new Residual(false, true, (int) (expected - transferred));
        }
        return NONE;
    }
}
