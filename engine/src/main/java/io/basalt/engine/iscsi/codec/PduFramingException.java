package io.basalt.engine.iscsi.codec;

import io.netty.handler.codec.DecoderException;

/**
 * The byte stream cannot be framed into PDUs any more (a header digest error or an impossible
 * length): the connection must be dropped (RFC 7143 7.8). {@code rejectedBhs} is the offending
 * header when it is worth a Reject before closing, else {@code null}.
 */
public final class PduFramingException extends DecoderException {

    private final transient byte[] rejectedBhs;

    public PduFramingException(String message, byte[] rejectedBhs) {
        super(message);
        this.rejectedBhs = rejectedBhs;
    }

    public byte[] rejectedBhs() {
        return rejectedBhs;
    }
}
