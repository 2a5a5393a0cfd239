package io.basalt.engine.replica.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes frames (layout in the package documentation). A frame longer than the limit,
 * an unknown version or opcode, or a payload whose CRC32C does not match is a
 * {@link ProtocolViolationException}: nothing after it can be trusted. The data of a write or a
 * data answer is not copied: it is written to the socket as its own buffer after the header, and a
 * received one is a slice of the receive buffer, held by the frame.
 */
public final class FrameCodec extends CombinedChannelDuplexHandler<FrameCodec.Decoder, FrameCodec.Encoder> {

    public static final int VERSION = 1;
    /** Version, opcode, flags, request id, CRC32C. */
    static final int HEADER_BYTES = 1 + 1 + 2 + 8 + 4;
    /** The most data one write carries or one read returns with the default frame limit. */
    public static final int MAX_DATA_BYTES = 1 << 20;
    /** Room for the header and the fixed fields of a write besides its data. */
    public static final int FRAME_OVERHEAD_BYTES = 64;
    public static final int DEFAULT_MAX_FRAME_BYTES = MAX_DATA_BYTES + FRAME_OVERHEAD_BYTES;
    /**
     * Received data up to this size is copied into a buffer of its own rather than sliced: a slice
     * shares the reference count of the whole receive buffer with every other frame in it, and the
     * releases of many small frames from several threads would then contend for it.
     */
    static final int COPIED_DATA_BYTES = 64 << 10;

    private static final int FLAG_FUA = 1;
    private static final int FLAG_WRITER = 2;

    private static final int CHALLENGE = 1;
    private static final int HELLO = 2;
    private static final int WELCOME = 3;
    private static final int WRITE = 4;
    private static final int READ = 5;
    private static final int UNMAP = 6;
    private static final int FLUSH = 7;
    private static final int SET_EPOCH = 8;
    private static final int PING = 9;
    private static final int DONE = 10;
    private static final int DATA = 11;
    private static final int FAILURE = 12;
    private static final int SNAPSHOT = 13;
    private static final int RESIZE = 14;
    private static final int ALLOCATION = 15;
    private static final int EXTENTS = 16;
    private static final int QUERY_WRITTEN_REGIONS = 17;
    private static final int WRITTEN_REGIONS = 18;
    private static final int REGION_CHECKSUMS = 19;
    private static final int CHECKSUMS = 20;
    private static final int COPY_FROM = 21;
    private static final int READ_SPARSE = 22;
    private static final int SPARSE_DATA = 23;
    private static final int QUERY_SNAPSHOT = 24;
    private static final int SNAPSHOT_HELD = 25;

    /**
     * How connections carrying frames read from the socket: small reads while requests are small,
     * growing to a whole data frame at once, so that a frame of data is received in few reads and
     * seldom copied again to be reassembled.
     */
    public static RecvByteBufAllocator receiveBuffers() {
        return new AdaptiveRecvByteBufAllocator(4096, 64 << 10, DEFAULT_MAX_FRAME_BYTES + Integer.BYTES);
    }

    /**
     * How many bytes a connection carrying frames queues before it calls itself unwritable: several
     * whole data frames. With Netty's 64 KiB default, a burst of small requests would cross the
     * mark every few frames and each crossing would flush early, one write per handful of requests.
     * A pool serves nothing more on a connection while it is unwritable: a client that reads no
     * answers holds at most this much of them.
     */
    public static WriteBufferWaterMark writeBuffers() {
        return new WriteBufferWaterMark(4 * DEFAULT_MAX_FRAME_BYTES, 8 * DEFAULT_MAX_FRAME_BYTES);
    }

    public FrameCodec(int maxFrameBytes) {
        super(new Decoder(maxFrameBytes), new Encoder(maxFrameBytes));
    }

    /** Writes a frame as its header and fixed fields, then its data (if any) as a buffer of its own. */
    static final class Encoder extends MessageToMessageEncoder<Frame> {

        private final int maxFrameBytes;

        Encoder(int maxFrameBytes) {
            super(Frame.class);
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
            ByteBuf data = frame.message().carried();
            int dataBytes = data == null ? 0 : data.readableBytes();
            ByteBuf head = ctx.alloc().ioBuffer(FRAME_OVERHEAD_BYTES);
            try {
                head.writeInt(0);
                head.writeByte(VERSION);
                head.writeByte(opcode(frame.message()));
                head.writeShort(flags(frame.message()));
                head.writeLong(frame.requestId());
                int crcIndex = head.writerIndex();
                head.writeInt(0);
                int payloadStart = head.writerIndex();
                writeFields(frame.message(), head);
                long length = (long) head.writerIndex() - Integer.BYTES + dataBytes;
                if (length > maxFrameBytes) {
                    throw new IllegalArgumentException("frame of " + length + " bytes exceeds the limit of "
                            + maxFrameBytes);
                }
                head.setInt(0, (int) length);
                CRC32C crc = new CRC32C();
                crc.update(head.nioBuffer(payloadStart, head.writerIndex() - payloadStart));
                if (dataBytes > 0) {
                    updateCrc(crc, data, data.readerIndex(), dataBytes);
                }
                head.setInt(crcIndex, (int) crc.getValue());
            } catch (RuntimeException e) {
                head.release();
                throw e;
            }
            out.add(head);
            if (dataBytes > 0) {
                out.add(data.retainedSlice());
            }
        }
    }

    /** Reassembles frames from the byte stream; the data of a frame is a retained slice of it. */
    static final class Decoder extends ByteToMessageDecoder {

        private final int maxFrameBytes;

        Decoder(int maxFrameBytes) {
            this.maxFrameBytes = maxFrameBytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < Integer.BYTES) {
                return;
            }
            int length = in.getInt(in.readerIndex());
            if (length < HEADER_BYTES || length > maxFrameBytes) {
                throw new ProtocolViolationException("frame of " + length + " bytes is outside the allowed "
                        + HEADER_BYTES + ".." + maxFrameBytes);
            }
            if (in.readableBytes() < Integer.BYTES + length) {
                return;
            }
            in.skipBytes(Integer.BYTES);
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new ProtocolViolationException("protocol version " + version + " is not " + VERSION);
            }
            int opcode = in.readUnsignedByte();
            int flags = in.readUnsignedShort();
            long requestId = in.readLong();
            int expectedCrc = in.readInt();
            int payloadLength = length - HEADER_BYTES;
            CRC32C crc = new CRC32C();
            updateCrc(crc, in, in.readerIndex(), payloadLength);
            int actualCrc = (int) crc.getValue();
            if (actualCrc != expectedCrc) {
                throw new ProtocolViolationException(String.format(
                        "payload of request %d fails its CRC32C: %08x on the wire, %08x computed",
                        requestId, expectedCrc, actualCrc));
            }
            ByteBuf payload = in.readSlice(payloadLength);
            Message message = readPayload(opcode, flags, payload);
            if (payload.isReadable()) {
                ReferenceCountUtil.release(message.carried());
                throw new ProtocolViolationException("opcode " + opcode + " has " + payload.readableBytes()
                        + " unexpected trailing bytes");
            }
            out.add(new Frame(requestId, message));
        }
    }

    private static void updateCrc(CRC32C crc, ByteBuf buffer, int index, int length) {
        if (buffer.nioBufferCount() == 1) {
            crc.update(buffer.nioBuffer(index, length));
            return;
        }
        for (ByteBuffer part : buffer.nioBuffers(index, length)) {
            crc.update(part);
        }
    }

    private static int opcode(Message message) {
        return switch (message) {
            case Message.Challenge m -> CHALLENGE;
            case Message.Hello m -> HELLO;
            case Message.Welcome m -> WELCOME;
            case Message.Write m -> WRITE;
            case Message.Read m -> READ;
            case Message.Unmap m -> UNMAP;
            case Message.Flush m -> FLUSH;
            case Message.SetEpoch m -> SET_EPOCH;
            case Message.Ping m -> PING;
            case Message.Done m -> DONE;
            case Message.Data m -> DATA;
            case Message.Failure m -> FAILURE;
            case Message.Snapshot m -> SNAPSHOT;
            case Message.Resize m -> RESIZE;
            case Message.Allocation m -> ALLOCATION;
            case Message.Extents m -> EXTENTS;
            case Message.QueryWrittenRegions m -> QUERY_WRITTEN_REGIONS;
            case Message.WrittenRegions m -> WRITTEN_REGIONS;
            case Message.RegionChecksums m -> REGION_CHECKSUMS;
            case Message.Checksums m -> CHECKSUMS;
            case Message.CopyFrom m -> COPY_FROM;
            case Message.ReadSparse m -> READ_SPARSE;
            case Message.SparseData m -> SPARSE_DATA;
            case Message.QuerySnapshot m -> QUERY_SNAPSHOT;
            case Message.SnapshotHeld m -> SNAPSHOT_HELD;
        };
    }

    private static int flags(Message message) {
        return switch (message) {
            case Message.Write write when write.fua() -> FLAG_FUA;
            case Message.Hello hello when hello.writer() -> FLAG_WRITER;
            default -> 0;
        };
    }

    /** The payload but the data, which follows it as a buffer of its own. */
    private static void writeFields(Message message, ByteBuf out) {
        switch (message) {
            case Message.Challenge m -> out.writeBytes(m.nonce());
            case Message.Hello m -> {
                writeString(m.replica(), out);
                out.writeBytes(m.proof());
            }
            case Message.Welcome m -> out.writeLong(m.sizeBytes()).writeLong(m.epoch()).writeInt(m.epochSetSize())
                    .writeInt(m.epochConsistencyFactor()).writeLong(m.consistentThrough())
                    .writeBoolean(m.unflushedWritesMayBeLost());
            case Message.Write m -> out.writeLong(m.offset()).writeLong(m.sequence()).writeLong(m.epoch());
            case Message.Read m -> out.writeLong(m.offset()).writeInt(m.length());
            case Message.Unmap m -> out.writeLong(m.offset()).writeLong(m.length()).writeLong(m.sequence())
                    .writeLong(m.epoch());
            case Message.Flush m -> out.writeLong(m.epoch()).writeLong(m.consistentThrough());
            case Message.SetEpoch m -> out.writeLong(m.epoch()).writeInt(m.setSize()).writeInt(m.consistencyFactor());
            case Message.Ping m -> { }
            case Message.Done m -> { }
            case Message.Data m -> { }
            case Message.Failure m -> {
                out.writeByte(m.code().wireValue());
                out.writeCharSequence(m.message(), StandardCharsets.UTF_8);
            }
            case Message.Snapshot m -> {
                writeString(m.name(), out);
                out.writeLong(m.epoch());
            }
            case Message.QuerySnapshot m -> writeString(m.name(), out);
            case Message.SnapshotHeld m -> out.writeBoolean(m.held()).writeLong(m.createdMillis());
            case Message.Resize m -> out.writeLong(m.sizeBytes()).writeLong(m.epoch());
            case Message.Allocation m -> out.writeLong(m.offset()).writeLong(m.length());
            case Message.Extents m -> writeExtents(m.extents(), out);
            case Message.ReadSparse m -> out.writeLong(m.offset()).writeInt(m.length());
            case Message.SparseData m -> writeExtents(m.runs(), out);
            case Message.QueryWrittenRegions m -> out.writeLong(m.fromRegion());
            case Message.WrittenRegions m -> {
                out.writeBoolean(m.complete()).writeLong(m.nextRegion()).writeInt(m.regions().length);
                for (int i = 0; i < m.regions().length; i++) {
                    out.writeLong(m.regions()[i]).writeLong(m.sequences()[i]);
                }
            }
            case Message.RegionChecksums m -> out.writeLong(m.fromRegion()).writeInt(m.count());
            case Message.CopyFrom m -> {
                out.writeLong(m.offset()).writeLong(m.length());
                writeString(m.sourceHost(), out);
                out.writeInt(m.sourcePort());
                writeString(m.sourceReplica(), out);
                out.writeLong(m.sequence()).writeLong(m.epoch());
            }
            case Message.Checksums m -> {
                out.writeInt(m.crcs().length);
                for (int crc : m.crcs()) {
                    out.writeInt(crc);
                }
            }
        }
    }

    private static void writeExtents(List<Message.Extent> extents, ByteBuf out) {
        out.writeInt(extents.size());
        for (Message.Extent extent : extents) {
            out.writeLong(extent.offset()).writeLong(extent.length()).writeBoolean(extent.mapped());
        }
    }

    private static Message readPayload(int opcode, int flags, ByteBuf in) {
        try {
            return switch (opcode) {
                case CHALLENGE -> new Message.Challenge(rest(in));
                case HELLO -> new Message.Hello(readString(in), (flags & FLAG_WRITER) != 0, rest(in));
                case WELCOME -> new Message.Welcome(in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readLong(),
                        in.readBoolean());
                case WRITE -> new Message.Write(in.readLong(), in.readLong(), in.readLong(),
                        (flags & FLAG_FUA) != 0, data(in));
                case READ -> new Message.Read(in.readLong(), in.readInt());
                case UNMAP -> new Message.Unmap(in.readLong(), in.readLong(), in.readLong(), in.readLong());
                case FLUSH -> new Message.Flush(in.readLong(), in.readLong());
                case SET_EPOCH -> new Message.SetEpoch(in.readLong(), in.readInt(), in.readInt());
                case PING -> new Message.Ping();
                case DONE -> new Message.Done();
                case DATA -> new Message.Data(data(in));
                case FAILURE -> new Message.Failure(ErrorCode.fromWire(in.readUnsignedByte()),
                        in.readCharSequence(in.readableBytes(), StandardCharsets.UTF_8).toString());
                case SNAPSHOT -> new Message.Snapshot(readString(in), in.readLong());
                case QUERY_SNAPSHOT -> new Message.QuerySnapshot(readString(in));
                case SNAPSHOT_HELD -> new Message.SnapshotHeld(in.readBoolean(), in.readLong());
                case RESIZE -> new Message.Resize(in.readLong(), in.readLong());
                case ALLOCATION -> new Message.Allocation(in.readLong(), in.readLong());
                case EXTENTS -> new Message.Extents(readExtents(in));
                case READ_SPARSE -> new Message.ReadSparse(in.readLong(), in.readInt());
                case SPARSE_DATA -> readSparseData(in);
                case QUERY_WRITTEN_REGIONS -> new Message.QueryWrittenRegions(in.readLong());
                case WRITTEN_REGIONS -> readWrittenRegions(in);
                case REGION_CHECKSUMS -> new Message.RegionChecksums(in.readLong(), in.readInt());
                case CHECKSUMS -> readChecksums(in);
                case COPY_FROM -> new Message.CopyFrom(in.readLong(), in.readLong(), readString(in), in.readInt(),
                        readString(in), in.readLong(), in.readLong());
                default -> throw new ProtocolViolationException("unknown opcode " + opcode);
            };
        } catch (IndexOutOfBoundsException e) {
            throw new ProtocolViolationException("payload of opcode " + opcode + " is too short");
        }
    }

    private static List<Message.Extent> readExtents(ByteBuf in) {
        int count = readCount(in, Long.BYTES * 2 + 1);
        List<Message.Extent> extents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            extents.add(new Message.Extent(in.readLong(), in.readLong(), in.readBoolean()));
        }
        return extents;
    }

    /** Runs, then the data of the mapped ones, which must be exactly what follows. */
    private static Message.SparseData readSparseData(ByteBuf in) {
        List<Message.Extent> runs = readExtents(in);
        long mappedBytes = 0;
        for (Message.Extent run : runs) {
            if (run.length() < 0 || run.mapped() && run.length() > in.readableBytes() - mappedBytes) {
                throw new ProtocolViolationException("a run of " + run.length() + " bytes at " + run.offset()
                        + " does not fit the " + in.readableBytes() + " bytes of data that follow");
            }
            mappedBytes += run.mapped() ? run.length() : 0;
        }
        if (mappedBytes != in.readableBytes()) {
            throw new ProtocolViolationException("runs holding " + mappedBytes + " bytes of data come with "
                    + in.readableBytes());
        }
        return new Message.SparseData(runs, data(in));
    }

    private static Message.WrittenRegions readWrittenRegions(ByteBuf in) {
        boolean complete = in.readBoolean();
        long next = in.readLong();
        int count = readCount(in, Long.BYTES * 2);
        long[] regions = new long[count];
        long[] sequences = new long[count];
        for (int i = 0; i < count; i++) {
            regions[i] = in.readLong();
            sequences[i] = in.readLong();
        }
        return new Message.WrittenRegions(complete, regions, sequences, next);
    }

    private static Message.Checksums readChecksums(ByteBuf in) {
        int[] crcs = new int[readCount(in, Integer.BYTES)];
        for (int i = 0; i < crcs.length; i++) {
            crcs[i] = in.readInt();
        }
        return new Message.Checksums(crcs);
    }

    /** A count of entries of {@code entryBytes} each, checked against what the payload can hold. */
    private static int readCount(ByteBuf in, int entryBytes) {
        int count = in.readInt();
        if (count < 0 || (long) count * entryBytes > in.readableBytes()) {
            throw new ProtocolViolationException(count + " entries do not fit in " + in.readableBytes() + " bytes");
        }
        return count;
    }

    /** The rest of the payload: small data copied into a pooled buffer of its own, large data sliced. */
    private static ByteBuf data(ByteBuf in) {
        int length = in.readableBytes();
        if (length > COPIED_DATA_BYTES) {
            return in.readRetainedSlice(length);
        }
        ByteBuf copy = in.alloc().directBuffer(length);
        in.readBytes(copy, length);
        return copy;
    }

    private static void writeString(String value, ByteBuf out) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }

    private static String readString(ByteBuf in) {
        int length = in.readUnsignedShort();
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static byte[] rest(ByteBuf in) {
        return ByteBufUtil.getBytes(in.readSlice(in.readableBytes()));
    }
}
