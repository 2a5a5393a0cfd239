package io.basalt.engine.scsi;

import io.basalt.engine.block.FileBlockDevice;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;

/** A target over a small sparse file, with two logged-in nexuses whose power-on attention is cleared. */
final class TargetFixture implements AutoCloseable {

    static final int BLOCK = 512;
    static final long BLOCKS = 131072;

    final Nexus first = new Nexus("iqn.2026-01.test:first,i,0x400000000001", "iqn.2026-01.io.basalt:vol,t,0x0001");
    final Nexus second = new Nexus("iqn.2026-01.test:second,i,0x400000000002", "iqn.2026-01.io.basalt:vol,t,0x0001");
    final FileBlockDevice device;
    final BlockScsiTarget target;

    TargetFixture(Path dir) throws IOException {
        device = FileBlockDevice.open(dir.resolve("lun0.img"), BLOCKS * BLOCK, BLOCK, 2, UnpooledByteBufAllocator.DEFAULT);
        target = new BlockScsiTarget(new LogicalUnit(LogicalUnitConfig.basalt("vol-0001"), device));
        target.nexusAdded(first);
        target.nexusAdded(second);
        run(first, Cdbs.testUnitReady());
        run(second, Cdbs.testUnitReady());
    }

    /** Runs a command without data-out from the first nexus. */
    Result run(byte[] cdb) {
        return run(first, cdb, null);
    }

    Result run(byte[] cdb, byte[] dataOut) {
        return run(first, cdb, dataOut);
    }

    Result run(Nexus nexus, byte[] cdb) {
        return run(nexus, cdb, null);
    }

    Result run(Nexus nexus, byte[] cdb, byte[] dataOut) {
        return runOnLun(nexus, 0, cdb, dataOut);
    }

    Result runOnLun(Nexus nexus, long lun, byte[] cdb, byte[] dataOut) {
        ScsiCommand command = new ScsiCommand(nexus, lun, cdb, TaskAttribute.SIMPLE, 1,
                dataOut == null ? 0 : dataOut.length, dataOut == null ? null : Unpooled.wrappedBuffer(dataOut.clone()));
        ScsiResponse response = target.execute(command).join();
        byte[] data = new byte[0];
        if (response.dataIn() != null) {
            data = ByteBufUtil.getBytes(response.dataIn());
            response.dataIn().release();
        }
        return new Result(response.status(), response.sense(), data, response.transferLength());
    }

    /** Writes {@code blocks} blocks of a pattern at {@code lba} with WRITE(16) and returns the data. */
    byte[] writePattern(long lba, int blocks, int seed) {
        byte[] data = pattern(blocks * BLOCK, seed);
        Result result = run(Cdbs.write16(lba, blocks), data);
        if (result.status() != ScsiResponse.GOOD) {
            throw new AssertionError("write failed: " + result);
        }
        return data;
    }

    byte[] read(long lba, int blocks) {
        return run(Cdbs.read16(lba, blocks)).data();
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + seed * 13 + (i >>> 9) + 1);
        }
        return bytes;
    }

    @Override
    public void close() {
        device.close();
    }

    /** A completed command, with the sense data decoded in either format. */
    record Result(int status, byte[] sense, byte[] data, long transferLength) {
        int senseKey() {
            return descriptorFormat() ? sense[1] & 0x0F : sense[2] & 0x0F;
        }

        int asc() {
            return sense[descriptorFormat() ? 2 : 12] & 0xFF;
        }

        int ascq() {
            return sense[descriptorFormat() ? 3 : 13] & 0xFF;
        }

        boolean descriptorFormat() {
            return (sense[0] & 0x7F) == 0x72;
        }

        /** The fixed-format sense-key specific field pointer: C/D, bit pointer, byte. */
        int fieldPointerByte() {
            return ((sense[16] & 0xFF) << 8) | (sense[17] & 0xFF);
        }

        long information() {
            return Cdb.u32(sense, 3);
        }

        @Override
        public String toString() {
            return "status=" + status + (sense.length > 0
                    ? String.format(" sense=%x/%02x/%02x", senseKey(), asc(), ascq()) : "");
        }
    }
}
