package io.basalt.engine.iscsi.text;

/**
 * The operational parameters of a session as negotiated at login (RFC 7143 13), starting from the
 * RFC's defaults. {@code maxSendDataSegmentLength} is the initiator's declared
 * MaxRecvDataSegmentLength: the most this target may put in one PDU.
 */
public final class OperationalParameters {

    boolean headerDigest;
    boolean dataDigest;
    boolean initialR2T = true;
    boolean immediateData = true;
    int maxSendDataSegmentLength = 8192;
    int maxBurstLength = 262144;
    int firstBurstLength = 65536;
    int defaultTime2Wait = 2;
    int defaultTime2Retain = 20;
    int maxOutstandingR2T = 1;
    boolean dataPduInOrder = true;
    boolean dataSequenceInOrder = true;
    int errorRecoveryLevel;

    public boolean headerDigest() {
        return headerDigest;
    }

    public boolean dataDigest() {
        return dataDigest;
    }

    public boolean initialR2T() {
        return initialR2T;
    }

    public boolean immediateData() {
        return immediateData;
    }

    public int maxSendDataSegmentLength() {
        return maxSendDataSegmentLength;
    }

    public int maxBurstLength() {
        return maxBurstLength;
    }

    public int firstBurstLength() {
        return firstBurstLength;
    }

    public int defaultTime2Wait() {
        return defaultTime2Wait;
    }

    public int defaultTime2Retain() {
        return defaultTime2Retain;
    }

    public int maxOutstandingR2T() {
        return maxOutstandingR2T;
    }

    public int errorRecoveryLevel() {
        return errorRecoveryLevel;
    }

    /** FirstBurstLength never exceeds MaxBurstLength (RFC 7143 13.14). */
    public void reconcile() {
        firstBurstLength = Math.min(firstBurstLength, maxBurstLength);
    }
}
