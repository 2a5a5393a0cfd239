package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModeCommandsTest {

    private static final int CURRENT = 0;
    private static final int CHANGEABLE = 1;
    private static final int DEFAULT = 2;
    private static final int SAVED = 3;

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
    void allPagesComeAfterTheHeaderAndBlockDescriptor() {
        byte[] data = target.run(Cdbs.modeSense6(false, CURRENT, 0x3F, 0, 255)).data();

        assertThat(data[0] & 0xFF).isEqualTo(data.length - 1);
        assertThat(data[2] & 0x10).isEqualTo(0x10);
        assertThat(data[3]).isEqualTo((byte) 8);
        assertThat(Cdb.u32(data, 8)).isEqualTo(BLOCK);
        assertThat(pageCodes(data, 12)).containsExactly(0x01, 0x02, 0x08, 0x0A, 0x1C);
    }

    @Test
    void dbdLeavesOutTheBlockDescriptor() {
        byte[] data = target.run(Cdbs.modeSense6(true, CURRENT, 0x08, 0, 255)).data();

        assertThat(data[3]).isZero();
        assertThat(data[4]).isEqualTo((byte) 0x08);
        assertThat(data[6] & 0x04).isEqualTo(0x04);
    }

    @Test
    void modeSense10WithLlbaaReturnsALongBlockDescriptor() {
        byte[] data = target.run(Cdbs.modeSense10(true, CURRENT, 0x0A, 255)).data();

        assertThat(Cdb.u16(data, 0)).isEqualTo(data.length - 2);
        assertThat(data[4] & 0x01).isEqualTo(1);
        assertThat(Cdb.u16(data, 6)).isEqualTo(16);
        assertThat(Cdb.u64(data, 8)).isEqualTo(TargetFixture.BLOCKS);
        assertThat(data[24]).isEqualTo((byte) 0x0A);
    }

    @Test
    void theChangeableValuesMaskWceDsenseAndSwp() {
        byte[] caching = target.run(Cdbs.modeSense6(true, CHANGEABLE, 0x08, 0, 255)).data();
        byte[] control = target.run(Cdbs.modeSense6(true, CHANGEABLE, 0x0A, 0, 255)).data();

        assertThat(caching[6]).isEqualTo((byte) 0x04);
        assertThat(control[6]).isEqualTo((byte) 0x04);
        assertThat(control[8]).isEqualTo((byte) 0x08);
    }

    @Test
    void defaultValuesAreReported() {
        assertThat(target.run(Cdbs.modeSense6(true, DEFAULT, 0x1C, 0, 255)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void savedValuesAreNotSupported() {
        Result result = target.run(Cdbs.modeSense6(true, SAVED, 0x08, 0, 255));

        assertThat(result.asc()).isEqualTo(0x39);
    }

    @Test
    void anUnknownPageOrSubpageIsAnInvalidField() {
        assertThat(target.run(Cdbs.modeSense6(true, CURRENT, 0x19, 0, 255)).asc()).isEqualTo(0x24);
        assertThat(target.run(Cdbs.modeSense6(true, CURRENT, 0x0A, 0x01, 255)).asc()).isEqualTo(0x24);
    }

    @Test
    void aShortAllocationLengthCutsTheData() {
        Result result = target.run(Cdbs.modeSense6(false, CURRENT, 0x3F, 0, 4));

        assertThat(result.data()).hasSize(4);
        assertThat(result.transferLength()).isEqualTo(4);
    }

    @Test
    void settingDsenseSwitchesSenseDataToDescriptorFormat() {
        assertThat(selectControl(0x04, 0).status()).isEqualTo(ScsiResponse.GOOD);

        Result read = target.run(Cdbs.read16(-1L, 1));

        assertThat(read.sense()[0]).isEqualTo((byte) 0x72);
        assertThat(read.asc()).isEqualTo(0x21);
    }

    @Test
    void settingSwpWriteProtectsTheUnit() {
        selectControl(0, 0x08);

        Result write = target.run(Cdbs.write10(0, 1), new byte[BLOCK]);
        byte[] header = target.run(Cdbs.modeSense6(true, CURRENT, 0x0A, 0, 255)).data();

        assertThat(write.senseKey()).isEqualTo(Sense.DATA_PROTECT);
        assertThat(write.asc()).isEqualTo(0x27);
        assertThat(header[2] & 0x80).isEqualTo(0x80);
        assertThat(target.run(Cdbs.read10(0, 1)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void changingABitThatIsNotChangeableIsAnInvalidFieldInTheParameterList() {
        byte[] page = currentControlPage();
        page[3] ^= 0x02;

        Result result = target.run(Cdbs.modeSelect6(4 + page.length), withHeader(page));

        assertThat(result.asc()).isEqualTo(0x26);
        assertThat(target.run(Cdbs.modeSense6(true, CURRENT, 0x0A, 0, 255)).data()[7]).isEqualTo((byte) 0x10);
    }

    @Test
    void aPageOfTheWrongLengthIsRejected() {
        byte[] page = Arrays.copyOf(currentControlPage(), 10);
        page[1] = 8;

        assertThat(target.run(Cdbs.modeSelect6(4 + page.length), withHeader(page)).asc()).isEqualTo(0x26);
    }

    @Test
    void modeSelectWithSaveIsAnInvalidField() {
        byte[] cdb = Cdbs.modeSelect6(4);
        cdb[1] |= 0x01;

        assertThat(target.run(cdb, new byte[4]).asc()).isEqualTo(0x24);
    }

    @Test
    void aChangeRaisesModeParametersChangedForOtherNexusesOnly() {
        selectCaching(false);

        Result other = target.run(target.second, Cdbs.testUnitReady());
        Result same = target.run(target.first, Cdbs.testUnitReady());

        assertThat(other.senseKey()).isEqualTo(Sense.UNIT_ATTENTION);
        assertThat(other.asc()).isEqualTo(0x2A);
        assertThat(other.ascq()).isEqualTo(0x01);
        assertThat(same.status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void writesStillWorkWithTheWriteCacheDisabled() {
        selectCaching(false);

        byte[] data = target.writePattern(5, 1, 3);

        assertThat(target.read(5, 1)).isEqualTo(data);
        assertThat(target.run(Cdbs.modeSense6(true, CURRENT, 0x08, 0, 255)).data()[6] & 0x04).isZero();
    }

    private Result selectControl(int byte2, int byte4) {
        byte[] page = currentControlPage();
        page[2] = (byte) byte2;
        page[4] = (byte) byte4;
        return target.run(Cdbs.modeSelect6(4 + page.length), withHeader(page));
    }

    private void selectCaching(boolean writeCache) {
        byte[] sense = target.run(Cdbs.modeSense6(true, CURRENT, 0x08, 0, 255)).data();
        byte[] page = Arrays.copyOfRange(sense, 4, sense.length);
        page[2] = (byte) (writeCache ? 0x04 : 0);
        assertThat(target.run(Cdbs.modeSelect6(4 + page.length), withHeader(page)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    private byte[] currentControlPage() {
        byte[] data = target.run(Cdbs.modeSense6(true, CURRENT, 0x0A, 0, 255)).data();
        return Arrays.copyOfRange(data, 4, data.length);
    }

    private static byte[] withHeader(byte[] page) {
        byte[] data = new byte[4 + page.length];
        System.arraycopy(page, 0, data, 4, page.length);
        return data;
    }

    private static int[] pageCodes(byte[] data, int from) {
        int[] codes = new int[0];
        for (int p = from; p < data.length; p += 2 + (data[p + 1] & 0xFF)) {
            codes = Arrays.copyOf(codes, codes.length + 1);
            codes[codes.length - 1] = data[p] & 0x3F;
        }
        return codes;
    }
}
