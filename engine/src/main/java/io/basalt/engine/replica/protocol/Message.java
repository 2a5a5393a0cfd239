package io.basalt.engine.replica.protocol;

/** Every message of the replica protocol; requests go to the pool, the rest come back. */
public sealed interface Message {

    /** Sent by the server on connect; the client proves it knows the volume's secret against {@code nonce}. */
    record Challenge(byte[] nonce) implements Message {
    }

    record Hello(String replica, byte[] proof) implements Message {
    }

    /** The answer to a successful hello: the replica's state. */
    record Welcome(long sizeBytes, long epoch, long consistentThrough) implements Message {
    }

    /** {@code fua}: durable before the acknowledgement. */
    record Write(long offset, long sequence, long epoch, boolean fua, byte[] data) implements Message {
    }

    record Read(long offset, int length) implements Message {
    }

    record Unmap(long offset, long length, long sequence, long epoch) implements Message {
    }

    /** Makes every acknowledged write durable; then, when {@code consistentThrough >= 0}, persists it. */
    record Flush(long epoch, long consistentThrough) implements Message {
    }

    record SetEpoch(long epoch) implements Message {
    }

    record Ping() implements Message {
    }

    /** Success of a request that returns nothing. */
    record Done() implements Message {
    }

    record Data(byte[] data) implements Message {
    }

    record Failure(ErrorCode code, String message) implements Message {
    }
}
