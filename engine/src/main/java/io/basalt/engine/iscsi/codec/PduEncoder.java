package io.basalt.engine.iscsi.codec;

import io.basalt.engine.iscsi.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes PDUs: header, header digest, data segment padded to four bytes, data digest. A small data
 * segment is copied into one buffer with its header, which costs less than building a composite
 * buffer for it; a larger one is passed on without copying, as part of a composite buffer.
 */
public final class PduEncoder extends ChannelOutboundHandlerAdapter {

    /** Data segments up to this length are copied next to their header. */
    static final int COPY_LIMIT = 8192;

    private final DigestSettings settings;

    public PduEncoder(DigestSettings settings) {
        this.settings = settings;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Pdu pdu)) {
            ctx.write(msg, promise);
            return;
        }
        ctx.write(encode(ctx, pdu), promise);
    }

    private ByteBuf encode(ChannelHandlerContext ctx, Pdu pdu) {
        ByteBuf data = pdu.takeData();
        int dataLength = data.readableBytes();
        byte[] ahs = pdu.ahs();
        int padding = -dataLength & 3;
        int dataDigestLength = settings.dataDigest() && dataLength > 0 ? Crc32cDigest.LENGTH : 0;
        int headerLength = Pdu.BHS_LENGTH + ahs.length + Crc32cDigest.LENGTH;
        boolean copy = dataLength <= COPY_LIMIT;
        ByteBuf header = ctx.alloc().buffer(copy ? headerLength + dataLength + padding + dataDigestLength : headerLength);
        pdu.writeBhs(header, ahs.length / 4, dataLength);
        header.writeBytes(ahs);
        if (settings.headerDigest()) {
            Crc32cDigest.write(header, Crc32cDigest.compute(header, header.readerIndex(), header.readableBytes()));
        }
        if (dataLength == 0) {
            data.release();
            return header;
        }
        ByteBuf trailer = copy ? header : ctx.alloc().buffer(padding + dataDigestLength);
        int dataStart = header.writerIndex();
        if (copy) {
            header.writeBytes(data, data.readerIndex(), dataLength);
            data.release();
        }
        trailer.writeZero(padding);
        if (dataDigestLength > 0) {
            int digest = copy ? Crc32cDigest.compute(header, dataStart, dataLength + padding)
                    : Crc32cDigest.compute(data, trailer);
            Crc32cDigest.write(trailer, digest);
        }
        if (copy) {
            return header;
        }
        CompositeByteBuf frame = ctx.alloc().compositeBuffer(3);
        frame.addComponents(true, header, data, trailer);
        return frame;
    }
}
