package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static io.basalt.engine.scsi.TargetFixture.BLOCKS;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisioningCommandsTest {

    private static final int UNMAP = 0x08;

    @TempDir
    Path dir;

    private TargetFixture target;

    @BeforeEach
    void start() throws Exception {
        target = new TargetFixture(dir);
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void writeSameRepeatsTheBlock() {
        byte[] block = TargetFixture.pattern(BLOCK, 3);

        Result result = target.run(Cdbs.writeSame16(0, 100, 300), block);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        byte[] read = target.read(100, 300);
        for (int i = 0; i < 300; i++) {
            assertThat(Arrays.copyOfRange(read, i * BLOCK, (i + 1) * BLOCK)).isEqualTo(block);
        }
    }

    @Test
    void writeSameWithUnmapAndZeroesDeallocatesTheRange() throws Exception {
        target.writePattern(0, 2048, 1);
        long allocated = target.device.allocatedBytes();

        Result result = target.run(Cdbs.writeSame10(UNMAP, 0, 2048), new byte[BLOCK]);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(0, 2048)).isEqualTo(new byte[2048 * BLOCK]);
        assertThat(target.device.allocatedBytes()).isLessThanOrEqualTo(allocated - 2048L * BLOCK);
        assertThat(lbaStatus(0)).isEqualTo(1);
    }

    @Test
    void writeSameWithUnmapDeallocatesWhateverTheBlockHolds() {
        target.writePattern(200, 8, 1);

        target.run(Cdbs.writeSame16(UNMAP, 200, 8), TargetFixture.pattern(BLOCK, 5));

        assertThat(target.read(200, 8)).isEqualTo(new byte[8 * BLOCK]);
    }

    @Test
    void writeSameWithZeroBlocksReachesTheLastLbaWhenWithinTheLimit() {
        target.writePattern(BLOCKS - 4, 4, 2);

        Result result = target.run(Cdbs.writeSame16(UNMAP, BLOCKS - 4, 0), new byte[BLOCK]);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(BLOCKS - 4, 4)).isEqualTo(new byte[4 * BLOCK]);
    }

    @Test
    void writeSameBeyondTheMaximumLengthIsAnInvalidField() {
        Result result = target.run(Cdbs.writeSame16(0, 0, 16385), new byte[BLOCK]);

        assertThat(result.asc()).isEqualTo(0x24);
    }

    @Test
    void writeSameBeyondTheEndIsAnLbaOutOfRange() {
        assertThat(target.run(Cdbs.writeSame10(0, BLOCKS + 1, 0), new byte[BLOCK]).asc()).isEqualTo(0x21);
        assertThat(target.run(Cdbs.writeSame16(0, BLOCKS - 1, 2), new byte[BLOCK]).asc()).isEqualTo(0x21);
    }

    @Test
    void writeSameWithAnchorIsRejected() {
        assertThat(target.run(Cdbs.writeSame10(0x10 | UNMAP, 0, 1), new byte[BLOCK]).asc()).isEqualTo(0x24);
    }

    @Test
    void writeSameWithLbdataOrPbdataIsRejected() {
        assertThat(target.run(Cdbs.writeSame10(0x02, 0, 1), new byte[BLOCK]).asc()).isEqualTo(0x24);
        assertThat(target.run(Cdbs.writeSame10(0x04, 0, 1), new byte[BLOCK]).asc()).isEqualTo(0x24);
    }

    @Test
    void writeSameNeedsExactlyOneBlockOfData() {
        assertThat(target.run(Cdbs.writeSame10(0, 0, 1), new byte[BLOCK / 2]).senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(target.run(Cdbs.writeSame10(0, 0, 1), new byte[2 * BLOCK]).senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
    }

    @Test
    void writeSameWithNdobWritesZeroesWithoutData() {
        target.writePattern(10, 2, 4);

        Result result = target.run(Cdbs.writeSame16(0x01, 10, 2));

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(10, 2)).isEqualTo(new byte[2 * BLOCK]);
    }

    @Test
    void unmapDeallocatesEveryDescriptor() {
        target.writePattern(0, 64, 5);

        Result result = target.run(Cdbs.unmap(40), Cdbs.unmapParameters(0, 16, 32, 16));

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(0, 16)).isEqualTo(new byte[16 * BLOCK]);
        assertThat(target.read(32, 16)).isEqualTo(new byte[16 * BLOCK]);
        assertThat(target.read(16, 16)).isEqualTo(Arrays.copyOfRange(TargetFixture.pattern(64 * BLOCK, 5), 16 * BLOCK, 32 * BLOCK));
    }

    @Test
    void unmapOfADescriptorBeyondTheEndIsAnLbaOutOfRangeAndUnmapsNothing() {
        byte[] data = target.writePattern(0, 8, 6);

        Result result = target.run(Cdbs.unmap(40), Cdbs.unmapParameters(0, 8, BLOCKS - 1, 2));

        assertThat(result.asc()).isEqualTo(0x21);
        assertThat(target.read(0, 8)).isEqualTo(data);
    }

    @Test
    void unmapWithAShortParameterListIsALengthError() {
        Result result = target.run(Cdbs.unmap(6), new byte[6]);

        assertThat(result.asc()).isEqualTo(0x1A);
    }

    @Test
    void unmapWithAnEmptyParameterListDoesNothing() {
        assertThat(target.run(Cdbs.unmap(0)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void unmapWithTooManyDescriptorsIsAnInvalidFieldInTheParameterList() {
        long[] descriptors = new long[2 * 257];
        Result result = target.run(Cdbs.unmap(8 + 16 * 257), Cdbs.unmapParameters(descriptors));

        assertThat(result.asc()).isEqualTo(0x26);
    }

    @Test
    void unmapWithAnchorIsRejected() {
        byte[] cdb = Cdbs.unmap(24);
        cdb[1] = 0x01;

        assertThat(target.run(cdb, Cdbs.unmapParameters(0, 1)).asc()).isEqualTo(0x24);
    }

    @Test
    void getLbaStatusReportsMappedAndDeallocatedExtents() {
        target.writePattern(64, 64, 7);

        Result result = target.run(Cdbs.getLbaStatus(0, 1024));

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        byte[] data = result.data();
        assertThat(Cdb.u32(data, 0)).isEqualTo(data.length - 4);
        assertThat(descriptor(data, 0)).containsExactly(0, 64, 1);
        assertThat(descriptor(data, 1)).containsExactly(64, 64, 0);
        assertThat(descriptor(data, 2)).containsExactly(128, BLOCKS - 128, 1);
    }

    @Test
    void getLbaStatusReturnsAsManyDescriptorsAsFit() {
        target.writePattern(64, 64, 7);

        Result result = target.run(Cdbs.getLbaStatus(0, 24));

        assertThat(result.data()).hasSize(24);
        assertThat(descriptor(result.data(), 0)).containsExactly(0, 64, 1);
    }

    @Test
    void getLbaStatusAtOrBeyondTheEndIsAnLbaOutOfRange() {
        assertThat(target.run(Cdbs.getLbaStatus(BLOCKS, 24)).asc()).isEqualTo(0x21);
        assertThat(target.run(Cdbs.getLbaStatus(-1L, 24)).asc()).isEqualTo(0x21);
    }

    @Test
    void getLbaStatusStartsAtTheRequestedLbaEvenInsideAFileSystemBlock() {
        target.writePattern(0, 64, 7);

        Result result = target.run(Cdbs.getLbaStatus(9, 24));

        assertThat(descriptor(result.data(), 0)).containsExactly(9, 55, 0);
    }

    private int lbaStatus(long lba) {
        return (int) descriptor(target.run(Cdbs.getLbaStatus(lba, 24)).data(), 0)[2];
    }

    private static long[] descriptor(byte[] data, int index) {
        int at = 8 + 16 * index;
        return new long[] {Cdb.u64(data, at), Cdb.u32(data, at + 8), data[at + 12] & 0x0F};
    }
}
