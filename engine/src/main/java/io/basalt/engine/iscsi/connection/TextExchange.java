package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.TextRequestPdu;
import io.basalt.engine.iscsi.pdu.TextResponsePdu;
import io.basalt.engine.iscsi.text.KeyValue;
import io.basalt.engine.iscsi.text.KeyValueCodec;
import io.basalt.engine.iscsi.text.TextFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.function.Function;

/**
 * One connection's text negotiation in full feature phase (RFC 7143 11.10, 11.11): requests the
 * initiator continues over several PDUs (C bit) are gathered first, and answers longer than the
 * initiator's MaxRecvDataSegmentLength go out in pieces the initiator asks for one by one.
 * Event-loop confined.
 */
final class TextExchange {

    /** The most request text gathered for one exchange. */
    static final int MAX_REQUEST_TEXT = 64 * 1024;

    private final ByteBufAllocator alloc;
    private final int maxSegment;
    private CompositeByteBuf request;
    private ByteBuf remainingAnswer;
    private int nextTag = 1;
    private int pendingTag = Pdu.RESERVED_TAG;

    TextExchange(ByteBufAllocator alloc, int maxSegment) {
        this.alloc = alloc;
        this.maxSegment = maxSegment;
    }

    /**
     * The response to one Text Request; {@code answerer} turns a complete request's pairs into the
     * answer's pairs.
     */
    TextResponsePdu respond(TextRequestPdu pdu, Function<List<KeyValue>, List<KeyValue>> answerer)
            throws TextFormatException {
        int itt = pdu.initiatorTaskTag();
        if (pdu.targetTransferTag() != Pdu.RESERVED_TAG && pdu.targetTransferTag() == pendingTag
                && remainingAnswer != null) {
            return nextPiece(itt);
        }
        releaseAnswer();
        if (request == null) {
            request = alloc.compositeBuffer();
        }
        request.addComponent(true, pdu.data().retain());
        if (request.readableBytes() > MAX_REQUEST_TEXT) {
            release();
            throw new TextFormatException("text request longer than " + MAX_REQUEST_TEXT + " bytes");
        }
        if (pdu.continues()) {
            pendingTag = newTag();
            return new TextResponsePdu(itt, false, false, pendingTag, Unpooled.EMPTY_BUFFER);
        }
        List<KeyValue> pairs;
        try {
            pairs = KeyValueCodec.decode(request);
        } finally {
            request.release();
            request = null;
        }
        remainingAnswer = KeyValueCodec.encode(alloc, answerer.apply(pairs));
        return nextPiece(itt);
    }

    private TextResponsePdu nextPiece(int itt) {
        int length = Math.min(maxSegment, remainingAnswer.readableBytes());
        ByteBuf piece = remainingAnswer.readRetainedSlice(length);
        if (remainingAnswer.isReadable()) {
            pendingTag = newTag();
            return new TextResponsePdu(itt, false, true, pendingTag, piece);
        }
        releaseAnswer();
        return new TextResponsePdu(itt, true, false, Pdu.RESERVED_TAG, piece);
    }

    private int newTag() {
        int tag = nextTag;
        nextTag = nextTag + 1 == Pdu.RESERVED_TAG ? 1 : nextTag + 1;
        return tag;
    }

    private void releaseAnswer() {
        pendingTag = Pdu.RESERVED_TAG;
        if (remainingAnswer != null) {
            remainingAnswer.release();
            remainingAnswer = null;
        }
    }

    void release() {
        releaseAnswer();
        if (request != null) {
            request.release();
            request = null;
        }
    }
}
