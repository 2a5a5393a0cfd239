package io.basalt.engine.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.block.BlockDevice.Extent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockDeviceTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private Path file;
    private FileBlockDevice device;

    @BeforeEach
    void openDevice() throws Exception {
        file = dir.resolve("volume.img");
        device = FileBlockDevice.open(file, 16L * MIB, 512, 2, UnpooledByteBufAllocator.DEFAULT);
    }

    @AfterEach
    void closeDevice() {
        device.close();
    }

    @Test
    void aNewDeviceIsASparseFileOfTheRequestedSize() throws Exception {
        assertThat(Files.size(file)).isEqualTo(16L * MIB);
        assertThat(device.allocatedBytes()).isLessThan(MIB);
    }

    @Test
    void dataWrittenIsReadBack() {
        write(3 * 4096L, pattern(8192, 7), false);

        assertThat(read(3 * 4096L, 8192)).isEqualTo(pattern(8192, 7));
    }

    @Test
    void aForceUnitAccessWriteIsReadBack() {
        write(512, pattern(512, 1), true);

        assertThat(read(512, 512)).isEqualTo(pattern(512, 1));
    }

    @Test
    void aSmallWriteWithoutForceUnitAccessCompletesBeforeReturning() {
        ByteBuf data = Unpooled.wrappedBuffer(pattern(4096, 8));

        boolean done = device.write(4096, data, false).isDone();

        data.release();
        assertThat(done).isTrue();
        assertThat(read(4096, 4096)).isEqualTo(pattern(4096, 8));
    }

    @Test
    void aLargeReadIsServedByTheDevicesThreads() {
        write(0, pattern(2 * MIB, 4), false);

        assertThat(read(0, 2 * MIB)).isEqualTo(pattern(2 * MIB, 4));
    }

    @Test
    void aWriteLeavesTheCallersBufferIntact() {
        ByteBuf data = Unpooled.wrappedBuffer(pattern(1024, 3));

        device.write(0, data, false).join();

        assertThat(data.refCnt()).isEqualTo(1);
        assertThat(data.readableBytes()).isEqualTo(1024);
        data.release();
    }

    @Test
    void deallocatingPunchesAHoleThatGivesSpaceBackAndReadsAsZeroes() throws Exception {
        write(0, pattern(4 * MIB, 9), true);
        long before = device.allocatedBytes();

        device.deallocate(MIB, 2L * MIB).join();

        assertThat(device.allocatedBytes()).isLessThanOrEqualTo(before - 2L * MIB);
        assertThat(read(MIB, 4096)).isEqualTo(new byte[4096]);
        assertThat(read(0, 4096)).isEqualTo(Arrays.copyOf(pattern(4 * MIB, 9), 4096));
    }

    @Test
    void theAllocationQueryReportsMappedAndDeallocatedExtents() {
        write(MIB, pattern(MIB, 5), false);

        List<Extent> extents = device.allocation(0, 4L * MIB).join();

        assertThat(extents).containsExactly(
                new Extent(0, MIB, false),
                new Extent(MIB, MIB, true),
                new Extent(2L * MIB, 2L * MIB, false));
    }

    @Test
    void theAllocationQueryStartsInsideAMappedExtent() {
        write(0, pattern(MIB, 5), false);

        List<Extent> extents = device.allocation(4096, 8192).join();

        assertThat(extents).containsExactly(new Extent(4096, 8192, true));
    }

    @Test
    void growingKeepsDataAndExtendsTheDevice() throws Exception {
        write(0, pattern(4096, 2), false);

        device.resize(32L * MIB).join();

        assertThat(device.size()).isEqualTo(32L * MIB);
        assertThat(Files.size(file)).isEqualTo(32L * MIB);
        write(31L * MIB, pattern(4096, 4), false);
        assertThat(read(0, 4096)).isEqualTo(pattern(4096, 2));
        assertThat(read(31L * MIB, 4096)).isEqualTo(pattern(4096, 4));
    }

    @Test
    void shrinkingIsRejected() {
        assertThatThrownBy(() -> device.resize(8L * MIB).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BlockDeviceException.InvalidSize.class);
    }

    @Test
    void accessBeyondTheEndIsRejected() {
        assertThatThrownBy(() -> device.read(16L * MIB - 512, 1024).join())
                .hasCauseInstanceOf(BlockDeviceException.InvalidRange.class);
    }

    @Test
    void misalignedAccessIsRejected() {
        assertThatThrownBy(() -> device.read(100, 512).join())
                .hasCauseInstanceOf(BlockDeviceException.InvalidRange.class);
    }

    @Test
    void operationsAfterCloseFail() {
        device.close();

        assertThatThrownBy(() -> device.flush().join())
                .hasCauseInstanceOf(BlockDeviceException.Closed.class);
    }

    @Test
    void reopeningKeepsTheData() throws Exception {
        write(8192, pattern(512, 6), true);
        device.close();

        device = FileBlockDevice.open(file, 16L * MIB, 512, 1, UnpooledByteBufAllocator.DEFAULT);

        assertThat(read(8192, 512)).isEqualTo(pattern(512, 6));
    }

    private void write(long offset, byte[] bytes, boolean fua) {
        ByteBuf data = Unpooled.wrappedBuffer(bytes);
        try {
            device.write(offset, data, fua).join();
        } finally {
            data.release();
        }
    }

    private byte[] read(long offset, int length) {
        ByteBuf data = device.read(offset, length).join();
        try {
            return ByteBufUtil.getBytes(data);
        } finally {
            data.release();
        }
    }

    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed + (i >>> 9));
        }
        return bytes;
    }
}
