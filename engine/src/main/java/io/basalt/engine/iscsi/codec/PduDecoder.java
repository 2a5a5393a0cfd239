package io.basalt.engine.iscsi.codec;

import io.basalt.engine.iscsi.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Frames the byte stream into PDUs by TotalAHSLength and DataSegmentLength (RFC 7143 11.2),
 * checks digests and hands on typed {@link Pdu}s, or a {@link DataDigestMismatch} for a PDU whose
 * payload is damaged but whose framing is intact. After a framing error the rest of the stream
 * is discarded: the connection is about to close.
 */
public final class PduDecoder extends ByteToMessageDecoder {

    private final DigestSettings settings;
    private boolean broken;

    public PduDecoder(DigestSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Pdu.BHS_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        int ahsLength = in.getUnsignedByte(start + 4) * 4;
        int dataLength = in.getUnsignedMedium(start + 5);
        int headerLength = Pdu.BHS_LENGTH + ahsLength;
        int headerDigestLength = settings.headerDigest() ? Crc32cDigest.LENGTH : 0;
        if (dataLength > settings.maxRecvDataSegmentLength()) {
            byte[] bhs = new byte[Pdu.BHS_LENGTH];
            in.getBytes(start, bhs);
            broken = true;
            throw new PduFramingException("data segment of " + dataLength + " bytes exceeds MaxRecvDataSegmentLength "
                    + settings.maxRecvDataSegmentLength(), bhs);
        }
        int paddedDataLength = (dataLength + 3) & ~3;
        int dataDigestLength = settings.dataDigest() && dataLength > 0 ? Crc32cDigest.LENGTH : 0;
        int total = headerLength + headerDigestLength + paddedDataLength + dataDigestLength;
        if (in.readableBytes() < total) {
            return;
        }
        if (headerDigestLength > 0) {
            int expected = Crc32cDigest.compute(in, start, headerLength);
            if (Crc32cDigest.read(in, start + headerLength) != expected) {
                broken = true;
                throw new PduFramingException("header digest error", null);
            }
        }
        byte[] bhs = new byte[Pdu.BHS_LENGTH];
        in.getBytes(start, bhs);
        int dataStart = start + headerLength + headerDigestLength;
        if (dataDigestLength > 0) {
            int expected = Crc32cDigest.compute(in, dataStart, paddedDataLength);
            if (Crc32cDigest.read(in, dataStart + paddedDataLength) != expected) {
                in.skipBytes(total);
                out.add(new DataDigestMismatch(bhs));
                return;
            }
        }
        byte[] ahs = new byte[ahsLength];
        in.getBytes(start + Pdu.BHS_LENGTH, ahs);
        ByteBuf data = dataLength == 0 ? Unpooled.EMPTY_BUFFER : in.retainedSlice(dataStart, dataLength);
        in.skipBytes(total);
        out.add(Pdu.fromWire(bhs, ahs, data));
    }
}
