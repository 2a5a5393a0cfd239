package io.basalt.engine.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InquiryCommandsTest {

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
    void standardInquiryDescribesAnSpc4DirectAccessDevice() {
        byte[] data = target.run(Cdbs.inquiry(false, 0, 255)).data();

        assertThat(data[0]).isEqualTo((byte) 0x00);
        assertThat(data[2]).isEqualTo((byte) 0x06);
        assertThat(data[3] & 0x0F).isEqualTo(2);
        assertThat(data[4] & 0xFF).isEqualTo(data.length - 5);
        assertThat(new String(data, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("BASALT  ");
        assertThat(Cdb.u16(data, 58)).isEqualTo(0x00A0);
        assertThat(Arrays.asList(Cdb.u16(data, 60), Cdb.u16(data, 62), Cdb.u16(data, 64)))
                .contains(0x0460, 0x04C0);
    }

    @Test
    void theAllocationLengthCutsTheData() {
        Result result = target.run(Cdbs.inquiry(false, 0, 36));

        assertThat(result.data()).hasSize(36);
        assertThat(result.transferLength()).isEqualTo(36);
    }

    @Test
    void aPageCodeWithoutEvpdIsAnInvalidField() {
        Result result = target.run(Cdbs.inquiry(false, 0x80, 255));

        assertThat(result.asc()).isEqualTo(0x24);
        assertThat(result.fieldPointerByte()).isEqualTo(2);
    }

    @Test
    void anUnknownVpdPageIsAnInvalidField() {
        assertThat(target.run(Cdbs.inquiry(true, 0x99, 255)).asc()).isEqualTo(0x24);
    }

    @Test
    void theSupportedPagesListEveryPageInOrder() {
        byte[] data = target.run(Cdbs.inquiry(true, 0x00, 255)).data();

        assertThat(Arrays.copyOfRange(data, 4, data.length))
                .containsExactly(0x00, 0x80, 0x83, (byte) 0xB0, (byte) 0xB1, (byte) 0xB2);
    }

    @Test
    void theUnitSerialNumberPageHoldsTheSerial() {
        byte[] data = target.run(Cdbs.inquiry(true, 0x80, 255)).data();

        assertThat(new String(data, 4, data.length - 4, StandardCharsets.US_ASCII)).isEqualTo("vol-0001");
    }

    @Test
    void deviceIdentificationHasAnNaaAVendorIdAndTargetPortDesignators() {
        byte[] data = target.run(Cdbs.inquiry(true, 0x83, 255)).data();

        assertThat(Cdb.u16(data, 2)).isEqualTo(data.length - 4);
        // First designator: binary NAA, logical unit, locally assigned (3h).
        assertThat(data[4]).isEqualTo((byte) 0x01);
        assertThat(data[5]).isEqualTo((byte) 0x03);
        assertThat(data[8] & 0xF0).isEqualTo(0x30);
        // Second: T10 vendor ID.
        assertThat(data[17] & 0x0F).isEqualTo(1);
        String all = new String(data, StandardCharsets.US_ASCII);
        assertThat(all).contains("BASALT  vol-0001").contains("iqn.2026-01.io.basalt:vol,t,0x0001");
    }

    @Test
    void blockLimitsReportTheConfiguredLimits() {
        byte[] data = target.run(Cdbs.inquiry(true, 0xB0, 255)).data();

        assertThat(Cdb.u16(data, 2)).isEqualTo(0x3C);
        assertThat(data[5] & 0xFF).isEqualTo(255);
        assertThat(Cdb.u32(data, 8)).isEqualTo(16384);
        assertThat(Cdb.u32(data, 20)).isEqualTo(1 << 20);
        assertThat(Cdb.u32(data, 24)).isEqualTo(256);
        assertThat(Cdb.u32(data, 28)).isEqualTo(8);
        assertThat(Cdb.u32(data, 32)).isEqualTo(0x8000_0000L);
        assertThat(Cdb.u64(data, 36)).isEqualTo(16384);
    }

    @Test
    void blockDeviceCharacteristicsSayNonRotating() {
        byte[] data = target.run(Cdbs.inquiry(true, 0xB1, 255)).data();

        assertThat(Cdb.u16(data, 4)).isEqualTo(1);
    }

    @Test
    void logicalBlockProvisioningSaysThinWithUnmapAndWriteSame() {
        byte[] data = target.run(Cdbs.inquiry(true, 0xB2, 255)).data();

        assertThat(data[5] & 0xE4).isEqualTo(0xE4);
        assertThat(data[6] & 0x07).isEqualTo(2);
    }

    @Test
    void inquiryToAnotherLunAnswersWithPeripheralQualifierThree() {
        Result result = target.runOnLun(target.first, 1L << 48, Cdbs.inquiry(false, 0, 96), null);

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(result.data()[0]).isEqualTo((byte) 0x7F);
    }

    @Test
    void reportLunsListsLunZero() {
        byte[] data = target.run(Cdbs.reportLuns(0, 64)).data();

        assertThat(Cdb.u32(data, 0)).isEqualTo(8);
        assertThat(data).hasSize(16).containsOnly(0, 0, 0, 8);
    }

    @Test
    void reportLunsOfWellKnownUnitsIsEmpty() {
        assertThat(Cdb.u32(target.run(Cdbs.reportLuns(1, 64)).data(), 0)).isZero();
    }

    @Test
    void reportLunsRejectsAnUnknownSelectReportAndATinyAllocation() {
        assertThat(target.run(Cdbs.reportLuns(7, 64)).asc()).isEqualTo(0x24);
        assertThat(target.run(Cdbs.reportLuns(0, 8)).asc()).isEqualTo(0x24);
    }
}
