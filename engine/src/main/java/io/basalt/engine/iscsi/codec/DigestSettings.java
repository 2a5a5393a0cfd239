package io.basalt.engine.iscsi.codec;

/**
 * Which digests a connection uses and how long a data segment it accepts. Login runs without
 * digests; the negotiated ones start with the first PDU after the final Login Response.
 * Only touched from the connection's event loop.
 */
public final class DigestSettings {

    private boolean headerDigest;
    private boolean dataDigest;
    private int maxRecvDataSegmentLength;

    public DigestSettings(int maxRecvDataSegmentLength) {
        this.maxRecvDataSegmentLength = maxRecvDataSegmentLength;
    }

    public boolean headerDigest() {
        return headerDigest;
    }

    public boolean dataDigest() {
        return dataDigest;
    }

    public int maxRecvDataSegmentLength() {
        return maxRecvDataSegmentLength;
    }

    public void enable(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    public void maxRecvDataSegmentLength(int length) {
        this.maxRecvDataSegmentLength = length;
    }
}
