package io.basalt.engine.iscsi.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * iSCSI header and data digests: CRC32C (RFC 7143 13.1). The digest goes on the wire least
 * significant byte first, the byte order RFC 7143 B.4 shows in its examples.
 */
public final class Crc32cDigest {

    public static final int LENGTH = 4;

    private Crc32cDigest() {
    }

    /** The CRC32C of {@code length} bytes of {@code buf} at {@code index}, leaving its indices alone. */
    public static int compute(ByteBuf buf, int index, int length) {
        CRC32C crc = new CRC32C();
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }

    public static int compute(ByteBuf... parts) {
        CRC32C crc = new CRC32C();
        for (ByteBuf part : parts) {
            for (ByteBuffer nio : part.nioBuffers(part.readerIndex(), part.readableBytes())) {
                crc.update(nio);
            }
        }
        return (int) crc.getValue();
    }

    public static void write(ByteBuf out, int digest) {
        out.writeIntLE(digest);
    }

    public static int read(ByteBuf in, int index) {
        return in.getIntLE(index);
    }
}
