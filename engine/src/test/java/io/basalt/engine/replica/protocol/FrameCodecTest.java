package io.basalt.engine.replica.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final int LIMIT = 4096;

    static Stream<Message> everyMessage() {
        return Stream.of(
                new Message.Challenge(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                new Message.Hello("vol-a", true, new byte[32]),
                new Message.Hello("vol-a", false, new byte[32]),
                new Message.Welcome(1L << 30, 7, 3, 2, 12345, true),
                new Message.Write(8192, 99, 3, true, Unpooled.wrappedBuffer(new byte[] {9, 8, 7})),
                new Message.Write(0, 1, 0, false, Unpooled.EMPTY_BUFFER),
                new Message.Read(4096, 512),
                new Message.Unmap(0, 1L << 20, 100, 3),
                new Message.Flush(3, 100),
                new Message.SetEpoch(4, 3, 2),
                new Message.Ping(),
                new Message.Done(),
                new Message.Data(Unpooled.wrappedBuffer(new byte[] {1, 2})),
                new Message.Failure(ErrorCode.STALE_EPOCH, "epoch 2 is older than 3 — refused"),
                new Message.Snapshot("daily-1", 5),
                new Message.Resize(2L << 30, 5),
                new Message.Allocation(1L << 20, 64L << 20),
                new Message.Extents(List.of(new Message.Extent(0, 4096, true), new Message.Extent(4096, 8192, false))),
                new Message.QueryWrittenRegions(17),
                new Message.WrittenRegions(true, new long[] {3, 9}, new long[] {120, 7}, -1),
                new Message.RegionChecksums(64, 16_384),
                new Message.Checksums(new int[] {0x8a9136aa, -1, 0}),
                new Message.QuerySnapshot("before-upgrade"),
                new Message.SnapshotHeld(true, 1_767_225_600_000L),
                new Message.CopyFrom(8L << 20, 8L << 20, "10.96.0.12", 7420, "vol-b", 4711, 6),
                new Message.Failure(ErrorCode.SOURCE_FAILED, "reading replica 'vol-b' failed"),
                new Message.ReadSparse(1L << 20, 1 << 20),
                new Message.SparseData(List.of(new Message.Extent(0, 2, true), new Message.Extent(2, 8190, false),
                        new Message.Extent(8192, 1, true)), Unpooled.wrappedBuffer(new byte[] {4, 5, 6})),
                new Message.SparseData(List.of(new Message.Extent(0, 4096, false)), Unpooled.EMPTY_BUFFER));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void everyMessageSurvivesARoundTrip(Message message) {
        Frame sent = new Frame(42, message).retain(); // sending releases the frame's own reference

        Frame received = roundTrip(encode(sent));

        assertThat(received).usingRecursiveComparison()
                .withComparatorForType(Comparator.naturalOrder(), ByteBuf.class).isEqualTo(sent);
    }

    @Test
    void framesSplitAcrossReadsAreReassembled() {
        ByteBuf bytes = encode(new Frame(1, new Message.Write(0, 1, 1, false, Unpooled.wrappedBuffer(new byte[100]))));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec(LIMIT));

        channel.writeInbound(bytes.readRetainedSlice(10));
        assertThat((Object) channel.readInbound()).isNull();
        channel.writeInbound(bytes);

        Frame frame = channel.readInbound();
        assertThat(((Message.Write) frame.message()).data().readableBytes()).isEqualTo(100);
        frame.release();
    }

    @Test
    void aCorruptedPayloadIsDetectedByItsCrc() {
        ByteBuf bytes = encode(new Frame(5, new Message.Write(0, 1, 1, false, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4}))));
        int lastByte = bytes.writerIndex() - 1;
        bytes.setByte(lastByte, bytes.getByte(lastByte) ^ 0x10);

        assertThatThrownBy(() -> roundTrip(bytes)).isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("CRC32C");
    }

    @Test
    void aFrameAnnouncingMoreThanTheLimitIsRejectedBeforeItArrives() {
        ByteBuf header = Unpooled.buffer().writeInt(LIMIT + 1).writeByte(FrameCodec.VERSION);

        assertThatThrownBy(() -> roundTrip(header)).hasCauseInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining((LIMIT + 1) + " bytes is outside the allowed");
    }

    @Test
    void aMessageLargerThanTheLimitIsNotSent() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec(LIMIT));

        assertThatThrownBy(() -> channel.writeOutbound(new Frame(1, new Message.Data(Unpooled.wrappedBuffer(new byte[LIMIT])))))
                .hasMessageContaining("exceeds the limit of " + LIMIT);
    }

    @Test
    void anUnknownVersionIsAViolation() {
        ByteBuf bytes = encode(new Frame(1, new Message.Ping()));
        bytes.setByte(Integer.BYTES, 9);

        assertThatThrownBy(() -> roundTrip(bytes)).hasCauseInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("protocol version 9");
    }

    @Test
    void sparseDataWhoseRunsHoldMoreThanFollowsIsAViolation() {
        ByteBuf bytes = encode(new Frame(3, new Message.SparseData(List.of(new Message.Extent(0, 4096, true)),
                Unpooled.wrappedBuffer(new byte[] {1, 2}))));

        assertThatThrownBy(() -> roundTrip(bytes)).hasCauseInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("a run of 4096 bytes at 0 does not fit the 2 bytes of data that follow");
    }

    @Test
    void sparseDataWithBytesNoRunHoldsIsAViolation() {
        ByteBuf bytes = encode(new Frame(3, new Message.SparseData(List.of(new Message.Extent(0, 1, true),
                new Message.Extent(1, 4095, false)), Unpooled.wrappedBuffer(new byte[] {1, 2}))));

        assertThatThrownBy(() -> roundTrip(bytes)).hasCauseInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("runs holding 1 bytes of data come with 2");
    }

    /** The frame's bytes as they go to the socket: its header, then its data as a buffer of its own. */
    private static ByteBuf encode(Frame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec(LIMIT));
        channel.writeOutbound(frame);
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            wire.writeBytes(part);
            part.release();
        }
        return wire;
    }

    @Test
    void theDataOfAWriteGoesOutUncopiedAfterTheHeaderAndIsReleasedOnceWritten() {
        ByteBuf data = Unpooled.directBuffer(1024).writeZero(1024);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec(LIMIT));

        channel.writeOutbound(new Frame(7, new Message.Write(0, 1, 1, false, data)));

        ByteBuf header = channel.readOutbound();
        ByteBuf payload = channel.readOutbound();
        assertThat(payload.memoryAddress()).as("the payload is the data's memory").isEqualTo(data.memoryAddress());
        header.release();
        payload.release();
        assertThat(data.refCnt()).isZero();
    }

    private static Frame roundTrip(ByteBuf bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec(LIMIT));
        channel.writeInbound(bytes);
        return channel.readInbound();
    }
}
