package io.basalt.engine.acceptance.client;

import java.nio.ByteBuffer;

/** The few SCSI command descriptor blocks the socket-level tests send (SPC-4, SBC-3). */
public final class Cdbs {

    private Cdbs() {
    }

    public static byte[] testUnitReady() {
        return new byte[6];
    }

    public static byte[] read10(int lba, int blocks) {
        return rw10(0x28, lba, blocks);
    }

    public static byte[] write10(int lba, int blocks) {
        return rw10(0x2a, lba, blocks);
    }

    private static byte[] rw10(int opcode, int lba, int blocks) {
        return ByteBuffer.allocate(10).put((byte) opcode).put((byte) 0).putInt(lba).put((byte) 0)
                .putShort((short) blocks).put((byte) 0).array();
    }
}
