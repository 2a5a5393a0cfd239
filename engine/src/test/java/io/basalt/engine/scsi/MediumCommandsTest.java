package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static io.basalt.engine.scsi.TargetFixture.BLOCKS;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediumCommandsTest {

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
    void readDefectDataReturnsAnEmptyListInTheRequestedFormat() {
        byte[] ten = target.run(new byte[] {0x37, 0, 0x1D, 0, 0, 0, 0, 0, 64, 0}).data();
        byte[] twelve = target.run(new byte[] {(byte) 0xB7, 0x0D, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0}).data();

        assertThat(ten).containsExactly(0, 0x1D, 0, 0);
        assertThat(twelve).containsExactly(0, 0x0D, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void blockEraseDeallocatesEveryBlock() throws Exception {
        target.writePattern(0, 256, 1);
        target.writePattern(BLOCKS - 256, 256, 2);

        Result result = target.run(sanitize(0x02, 0));

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(0, 256)).isEqualTo(new byte[256 * BLOCK]);
        assertThat(target.read(BLOCKS - 256, 256)).isEqualTo(new byte[256 * BLOCK]);
        byte[] status = target.run(Cdbs.getLbaStatus(0, 256)).data();
        assertThat(Cdb.u32(status, 0)).isEqualTo(20);
        assertThat(Cdb.u32(status, 16)).isEqualTo(BLOCKS);
        assertThat(status[20]).isEqualTo((byte) 1);
    }

    @Test
    void blockEraseWithAParameterListIsAnInvalidField() {
        Result result = target.run(sanitize(0x02, 8), new byte[8]);

        assertThat(result.asc()).isEqualTo(0x24);
        assertThat(result.fieldPointerByte()).isEqualTo(7);
    }

    @Test
    void reservedCdbFieldsAreChecked() {
        byte[] cdb = sanitize(0x02, 0);
        cdb[4] = 4;

        assertThat(target.run(cdb).asc()).isEqualTo(0x24);
    }

    @Test
    void anUnsupportedSanitizeServiceActionIsAnInvalidField() {
        assertThat(target.run(sanitize(0x01, 0)).asc()).isEqualTo(0x24);
    }

    private static byte[] sanitize(int action, int parameterLength) {
        byte[] cdb = new byte[10];
        cdb[0] = 0x48;
        cdb[1] = (byte) action;
        Cdb.putU16(cdb, 7, parameterLength);
        return cdb;
    }
}
