package io.basalt.engine.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupportedOperationCodesTest {

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
    void allCommandsListsEveryDispatchedCommand() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(false, 0, 0, 0, 65535)).data();

        int count = (int) Cdb.u32(data, 0) / 8;
        assertThat(count).isEqualTo(target.target.commands().all().size());
        assertThat(descriptorOpcodes(data, 8)).contains(0x28, 0x2A, 0x89, 0x42, 0x5E, 0x5F, 0x9E, 0xA3);
    }

    @Test
    void serviceActionCommandsAreFlagged() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(false, 0, 0, 0, 65535)).data();

        for (int at = 4; at < data.length; at += 8) {
            boolean flagged = (data[at + 5] & 0x01) != 0;
            assertThat(flagged).isEqualTo(target.target.commands().usesServiceAction(data[at] & 0xFF));
        }
    }

    @Test
    void withRctdEachDescriptorCarriesATimeoutsDescriptor() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(true, 0, 0, 0, 65535)).data();

        assertThat(data[4 + 5] & 0x02).isEqualTo(0x02);
        assertThat(Cdb.u16(data, 4 + 8)).isEqualTo(0x0A);
        assertThat((data.length - 4) % 20).isZero();
    }

    @Test
    void oneCommandReturnsItsCdbUsageData() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(false, 1, 0x28, 0, 64)).data();

        assertThat(data[1] & 0x07).isEqualTo(3);
        assertThat(Cdb.u16(data, 2)).isEqualTo(10);
        assertThat(data[4]).isEqualTo((byte) 0x28);
    }

    @Test
    void oneCommandOfAnUnsupportedOpcodeSaysNotSupported() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(false, 1, 0xC7, 0, 64)).data();

        assertThat(data[1] & 0x07).isEqualTo(1);
    }

    @Test
    void askingByOpcodeForAServiceActionCommandIsAnInvalidField() {
        Result result = target.run(Cdbs.reportSupportedOpcodes(false, 1, 0x9E, 0x10, 64));

        assertThat(result.asc()).isEqualTo(0x24);
    }

    @Test
    void askingByServiceActionReturnsThatServiceAction() {
        byte[] data = target.run(Cdbs.reportSupportedOpcodes(false, 2, 0x9E, 0x10, 64)).data();

        assertThat(data[1] & 0x07).isEqualTo(3);
        assertThat(data[5]).isEqualTo((byte) 0x10);
    }

    @Test
    void askingByServiceActionForAPlainOpcodeIsAnInvalidField() {
        assertThat(target.run(Cdbs.reportSupportedOpcodes(false, 2, 0x28, 0, 64)).asc()).isEqualTo(0x24);
    }

    private static int[] descriptorOpcodes(byte[] data, int stride) {
        int count = (data.length - 4) / stride;
        int[] opcodes = new int[count];
        for (int i = 0; i < count; i++) {
            opcodes[i] = data[4 + i * stride] & 0xFF;
        }
        return opcodes;
    }
}
