package io.basalt.engine.iscsi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.iscsi.codec.Crc32cDigest;
import io.basalt.engine.iscsi.codec.DataDigestMismatch;
import io.basalt.engine.iscsi.codec.DigestSettings;
import io.basalt.engine.iscsi.codec.PduDecoder;
import io.basalt.engine.iscsi.codec.PduEncoder;
import io.basalt.engine.iscsi.codec.PduFramingException;
import io.basalt.engine.iscsi.pdu.NopOutPdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.ScsiCommandPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class PduCodecTest {

    private final DigestSettings digests = new DigestSettings(8192);

    private ByteBuf encode(Pdu pdu) {
        EmbeddedChannel encoder = new EmbeddedChannel(new PduEncoder(digests));
        encoder.writeOutbound(pdu);
        ByteBuf frame = encoder.readOutbound();
        ByteBuf copy = Unpooled.copiedBuffer(frame);
        frame.release();
        encoder.finishAndReleaseAll();
        return copy;
    }

    private NopOutPdu nopWithFiveBytes() {
        return new NopOutPdu().initiatorTaskTag(7).cmdSN(3).pingData(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5}));
    }

    @Test
    void crc32cMatchesTheRfcExampleForThirtyTwoZeroBytesInWireOrder() {
        ByteBuf zeros = Unpooled.wrappedBuffer(new byte[32]);
        ByteBuf out = Unpooled.buffer();

        Crc32cDigest.write(out, Crc32cDigest.compute(zeros, 0, 32));

        assertThat(ByteBufUtil.getBytes(out)).containsExactly(0xaa, 0x36, 0x91, 0x8a);
    }

    @Test
    void dataSegmentIsPaddedToFourBytesAndLengthsAreFilledIn() {
        ByteBuf frame = encode(nopWithFiveBytes());

        assertThat(frame.readableBytes()).isEqualTo(48 + 8);
        assertThat(frame.getUnsignedMedium(5)).isEqualTo(5);
        frame.release();
    }

    @Test
    void decoderWaitsForTheWholePduAndRebuildsTheTypedPdu() {
        ByteBuf frame = encode(nopWithFiveBytes());
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        decoder.writeInbound(frame.readRetainedSlice(30));
        assertThat((Object) decoder.readInbound()).isNull();
        decoder.writeInbound(frame);

        NopOutPdu decoded = decoder.readInbound();
        assertThat(decoded.initiatorTaskTag()).isEqualTo(7);
        assertThat(decoded.cmdSN()).isEqualTo(3);
        assertThat(ByteBufUtil.getBytes(decoded.data())).containsExactly(1, 2, 3, 4, 5);
        decoded.release();
        decoder.finishAndReleaseAll();
    }

    @Test
    void pduWithBothDigestsRoundTrips() {
        digests.enable(true, true);
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        decoder.writeInbound(encode(nopWithFiveBytes()));

        NopOutPdu decoded = decoder.readInbound();
        assertThat(decoded.dataSegmentLength()).isEqualTo(5);
        decoded.release();
        decoder.finishAndReleaseAll();
    }

    @Test
    void headerDigestErrorBreaksFraming() {
        digests.enable(true, false);
        ByteBuf frame = encode(nopWithFiveBytes());
        frame.setByte(48, frame.getByte(48) ^ 1);
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        assertThatThrownBy(() -> decoder.writeInbound(frame)).isInstanceOf(PduFramingException.class)
                .hasMessageContaining("header digest");
        decoder.finishAndReleaseAll();
    }

    @Test
    void dataDigestErrorYieldsTheHeaderForARejectAndDecodingGoesOn() {
        digests.enable(false, true);
        ByteBuf damaged = encode(nopWithFiveBytes());
        damaged.setByte(49, 9);
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        decoder.writeInbound(damaged, encode(nopWithFiveBytes()));

        DataDigestMismatch mismatch = decoder.readInbound();
        assertThat(mismatch.bhs()).hasSize(48);
        NopOutPdu next = decoder.readInbound();
        assertThat(next.initiatorTaskTag()).isEqualTo(7);
        next.release();
        decoder.finishAndReleaseAll();
    }

    @Test
    void dataSegmentLongerThanDeclaredIsRefused() {
        ByteBuf frame = encode(new ScsiCommandPdu().flags(true, false, true).expectedDataTransferLength(9000)
                .immediateData(Unpooled.wrappedBuffer(new byte[9000])));
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        assertThatThrownBy(() -> decoder.writeInbound(frame)).isInstanceOf(DecoderException.class)
                .hasMessageContaining("exceeds MaxRecvDataSegmentLength");
        decoder.finishAndReleaseAll();
    }

    @Test
    void unknownOpcodeDecodesAsUnknownPdu() {
        ByteBuf frame = Unpooled.buffer(48).writeByte(0x1c).writeZero(47);
        EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(digests));

        decoder.writeInbound(frame);

        Pdu pdu = decoder.readInbound();
        assertThat(pdu.getClass().getSimpleName()).isEqualTo("UnknownPdu");
        assertThat(pdu.opcodeCode()).isEqualTo(0x1c);
        decoder.finishAndReleaseAll();
    }
}
