package io.basalt.engine.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SenseTest {

    @Test
    void fixedFormatCarriesKeyCodesAndFieldPointer() {
        byte[] sense = Sense.invalidFieldInCdb(7, 5).encode(false);

        assertThat(sense).hasSize(18);
        assertThat(sense[0]).isEqualTo((byte) 0x70);
        assertThat(sense[2]).isEqualTo((byte) 0x05);
        assertThat(sense[7]).isEqualTo((byte) 10);
        assertThat(sense[12]).isEqualTo((byte) 0x24);
        // SKSV, C/D, BPV and bit 5; field byte 7.
        assertThat(sense[15] & 0xFF).isEqualTo(0x80 | 0x40 | 0x08 | 5);
        assertThat(Cdb.u16(sense, 16)).isEqualTo(7);
    }

    @Test
    void fixedFormatSetsValidWhenTheInformationFits() {
        byte[] sense = Sense.miscompare(1234).encode(false);

        assertThat(sense[0] & 0xFF).isEqualTo(0xF0);
        assertThat(Cdb.u32(sense, 3)).isEqualTo(1234);
    }

    @Test
    void descriptorFormatHasInformationAndFieldPointerDescriptors() {
        byte[] sense = new Sense(Sense.ILLEGAL_REQUEST, 0x24, 0, 1L << 40, (3 << 8) | 0x40).encode(true);

        assertThat(sense[0]).isEqualTo((byte) 0x72);
        assertThat(sense[1]).isEqualTo((byte) 0x05);
        assertThat(sense[2]).isEqualTo((byte) 0x24);
        assertThat(sense[7] & 0xFF).isEqualTo(sense.length - 8);
        assertThat(sense[8]).isZero();
        assertThat(sense[10] & 0x80).isEqualTo(0x80);
        assertThat(Cdb.u64(sense, 12)).isEqualTo(1L << 40);
        assertThat(sense[20]).isEqualTo((byte) 0x02);
        assertThat(Cdb.u16(sense, 25)).isEqualTo(3);
    }

    @Test
    void parameterListPointersHaveCommandDataClear() {
        byte[] sense = Sense.invalidFieldInParameterList(9).encode(false);

        assertThat(sense[15] & 0xC0).isEqualTo(0x80);
        assertThat(Cdb.u16(sense, 16)).isEqualTo(9);
    }
}
