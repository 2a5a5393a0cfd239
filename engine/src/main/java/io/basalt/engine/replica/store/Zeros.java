package io.basalt.engine.replica.store;

import java.nio.ByteBuffer;

/** Fills buffers with zeros in bulk, for reads of ranges no layer holds. */
final class Zeros {

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private Zeros() {
    }

    static void fill(ByteBuffer destination) {
        while (destination.hasRemaining()) {
            int length = Math.min(destination.remaining(), ZEROS.capacity());
            destination.put(ZEROS.slice(0, length));
        }
    }
}
