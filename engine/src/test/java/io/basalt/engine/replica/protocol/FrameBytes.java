package io.basalt.engine.replica.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;

/** Frames as the protocol's own codec puts them on the wire, for tests that write to a plain socket. */
public final class FrameBytes {

    private FrameBytes() {
    }

    public static byte[] of(Frame... frames) {
        EmbeddedChannel codec = new EmbeddedChannel(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Frame frame : frames) {
            codec.writeOutbound(frame);
            for (ByteBuf encoded = codec.readOutbound(); encoded != null; encoded = codec.readOutbound()) {
                bytes.writeBytes(ByteBufUtil.getBytes(encoded));
                encoded.release();
            }
        }
        codec.finishAndReleaseAll();
        return bytes.toByteArray();
    }
}
