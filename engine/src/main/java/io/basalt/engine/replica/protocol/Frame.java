package io.basalt.engine.replica.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One message on the wire; a response carries the id of its request. A frame whose message
 * carries data owns one reference to that buffer: Netty releases it once it is written to the
 * socket (or cannot be), and a handler that keeps a received frame beyond its read retains it.
 * A frame without data counts as always referenced.
 */
public record Frame(long requestId, Message message) implements ReferenceCounted {

    @Override
    public int refCnt() {
        ByteBuf data = message.carried();
        return data == null ? 1 : data.refCnt();
    }

    @Override
    public Frame retain() {
        ByteBuf data = message.carried();
        if (data != null) {
            data.retain();
        }
        return this;
    }

    @Override
    public Frame retain(int increment) {
        ByteBuf data = message.carried();
        if (data != null) {
            data.retain(increment);
        }
        return this;
    }

    @Override
    public Frame touch() {
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        ByteBuf data = message.carried();
        if (data != null) {
            data.touch(hint);
        }
        return this;
    }

    @Override
    public boolean release() {
        ByteBuf data = message.carried();
        return data != null && data.release();
    }

    @Override
    public boolean release(int decrement) {
        ByteBuf data = message.carried();
        return data != null && data.release(decrement);
    }
}
