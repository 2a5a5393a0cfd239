package io.basalt.engine.iscsi.codec;

/** A PDU arrived whose data digest did not match; its header is kept for the Reject. */
public record DataDigestMismatch(byte[] bhs) {
}
