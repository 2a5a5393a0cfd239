package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.pdu.TargetPdu;

/**
 * StatSN, ExpCmdSN and MaxCmdSN of a connection (RFC 7143 4.2.2). MaxCmdSN is ExpCmdSN plus the
 * window less the commands still running, so it never decreases: a command arriving moves ExpCmdSN
 * and the running count up together, and only its completion opens the window further.
 */
final class SequenceNumbers {

    private final int window;
    private int statSN;
    private int expCmdSN;
    private int running;

    SequenceNumbers(int window, int initialStatSN, int expCmdSN) {
        this.window = window;
        this.statSN = initialStatSN;
        this.expCmdSN = expCmdSN;
    }

    int expCmdSN() {
        return expCmdSN;
    }

    int maxCmdSN() {
        return expCmdSN + window - 1 - running;
    }

    /** Serial-number comparison (RFC 1982): whether {@code cmdSN} lies in [ExpCmdSN, MaxCmdSN]. */
    boolean inWindow(int cmdSN) {
        return cmdSN - expCmdSN >= 0 && maxCmdSN() - cmdSN >= 0;
    }

    /** Whether {@code cmdSN} comes before {@code other} in serial-number order. */
    static boolean before(int cmdSN, int other) {
        return cmdSN - other < 0;
    }

    /** The command numbered ExpCmdSN arrived; {@code runs} when it occupies the window until it completes. */
    void commandArrived(boolean runs) {
        expCmdSN++;
        if (runs) {
            running++;
        }
    }

    void commandFinished() {
        running--;
    }

    /** Stamps a PDU that consumes a StatSN (responses). */
    void stampWithNewStatSN(TargetPdu pdu) {
        pdu.setSequenceNumbers(statSN++, expCmdSN, maxCmdSN());
    }

    /** Stamps a PDU that shows the next StatSN without consuming it (R2T, Data-In, pings). */
    void stamp(TargetPdu pdu) {
        pdu.setSequenceNumbers(statSN, expCmdSN, maxCmdSN());
    }
}
