package io.basalt.engine.iscsi.codec;

import io.basalt.engine.iscsi.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes PDUs: header, header digest, data segment padded to four bytes, data digest. The data
 * segment is passed on without copying, as part of a composite buffer.
 */
public final class PduEncoder extends ChannelOutboundHandlerAdapter {

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
        ByteBuf header = ctx.alloc().buffer(Pdu.BHS_LENGTH + ahs.length + Crc32cDigest.LENGTH);
        pdu.writeBhs(header, ahs.length / 4, dataLength);
        header.writeBytes(ahs);
        if (settings.headerDigest()) {
            Crc32cDigest.write(header, Crc32cDigest.compute(header, header.readerIndex(), header.readableBytes()));
        }
        if (dataLength == 0) {
            data.release();
            return header;
        }
        int padding = -dataLength & 3;
        ByteBuf trailer = ctx.alloc().buffer(padding + Crc32cDigest.LENGTH);
        trailer.writeZero(padding);
        if (settings.dataDigest()) {
            Crc32cDigest.write(trailer, Crc32cDigest.compute(data, trailer));
        }
        CompositeByteBuf frame = ctx.alloc().compositeBuffer(3);
        frame.addComponents(true, header, data, trailer);
        return frame;
    }
}
