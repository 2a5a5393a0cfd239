package io.basalt.engine.replica.store;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Recognisable test data. */
final class Content {

    static final int KIB = 1024;
    static final int BLOCK = Blocks.SIZE;

    private Content() {
    }

    /** {@code length} bytes that depend on {@code seed} and on their position, so misplaced bytes show. */
    static byte[] pattern(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 9));
        }
        return bytes;
    }

    static byte[] filled(int value, int length) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    static ByteBuffer buffer(byte[] bytes) {
        return ByteBuffer.wrap(bytes);
    }
}
