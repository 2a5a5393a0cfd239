package io.basalt.engine.replica.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@link KillRecoveryTest}: writes and flushes blocks 0..{@value #FLUSHED}-1,
 * reporting each flush on stdout, then keeps rewriting the blocks from {@value #UNFLUSHED_FROM}
 * on without flushing until it is killed.
 */
public final class FlushingWriterProcess {

    static final int FLUSHED = 150;
    static final int UNFLUSHED_FROM = 200;
    static final int BLOCKS = 256;

    private FlushingWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        ReplicaPool pool = ReplicaPool.open(Path.of(args[0]));
        Replica replica = pool.create("vol", (long) BLOCKS * Blocks.SIZE);
        for (int block = 0; block < FLUSHED; block++) {
            replica.write((long) block * Blocks.SIZE, ByteBuffer.wrap(Content.pattern(block, Blocks.SIZE)), block);
            replica.flush();
            System.out.println("flushed " + block);
            System.out.flush();
        }
        for (long round = 0; ; round++) {
            int block = UNFLUSHED_FROM + (int) (round % (BLOCKS - UNFLUSHED_FROM));
            replica.write((long) block * Blocks.SIZE, ByteBuffer.wrap(Content.pattern(block, Blocks.SIZE)), round);
        }
    }
}
