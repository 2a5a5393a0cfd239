package io.basalt.engine.iscsi.text;

/**
 * What this target offers in negotiation: its own MaxRecvDataSegmentLength declaration and its side
 * of each negotiated key.
 */
public record TargetLimits(
        int maxRecvDataSegmentLength,
        int maxBurstLength,
        int firstBurstLength,
        int maxOutstandingR2T,
        int defaultTime2Wait,
        int defaultTime2Retain,
        boolean initialR2T,
        boolean immediateData) {

    public static TargetLimits defaults() {
        return new TargetLimits(262144, 16776192, 262144, 8, 2, 0, false, true);
    }
}
