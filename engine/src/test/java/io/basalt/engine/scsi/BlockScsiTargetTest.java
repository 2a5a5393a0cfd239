package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static io.basalt.engine.scsi.TargetFixture.BLOCKS;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.block.FileBlockDevice;
import io.basalt.engine.scsi.TargetFixture.Result;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dispatcher does before and around every command: LUNs, unit attentions, opcodes. */
class BlockScsiTargetTest {

    @TempDir
    Path dir;

    private TargetFixture target;
    private final Nexus late = new Nexus("iqn.2026-01.test:late,i,0x400000000003", "iqn.2026-01.io.basalt:vol,t,0x0001");

    @BeforeEach
    void start() throws Exception {
        target = new TargetFixture(dir);
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void aNewNexusGetsAPowerOnUnitAttentionOnce() {
        target.target.nexusAdded(late);

        Result first = target.run(late, Cdbs.testUnitReady());
        Result second = target.run(late, Cdbs.testUnitReady());

        assertThat(first.senseKey()).isEqualTo(Sense.UNIT_ATTENTION);
        assertThat(first.asc()).isEqualTo(0x29);
        assertThat(first.ascq()).isZero();
        assertThat(second.status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void inquiryAndReportLunsNeitherReportNorClearAUnitAttention() {
        target.target.nexusAdded(late);

        assertThat(target.run(late, Cdbs.inquiry(false, 0, 96)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(late, Cdbs.reportLuns(0, 64)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(late, Cdbs.testUnitReady()).asc()).isEqualTo(0x29);
    }

    @Test
    void requestSenseReturnsAndClearsThePendingUnitAttention() {
        target.target.nexusAdded(late);

        Result sense = target.run(late, Cdbs.requestSense(false, 252));

        assertThat(sense.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(sense.data()[0]).isEqualTo((byte) 0x70);
        assertThat(sense.data()[2] & 0x0F).isEqualTo(Sense.UNIT_ATTENTION);
        assertThat(sense.data()[12]).isEqualTo((byte) 0x29);
        assertThat(target.run(late, Cdbs.testUnitReady()).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void requestSenseWithNothingPendingIsNoSenseInTheRequestedFormat() {
        byte[] data = target.run(Cdbs.requestSense(true, 252)).data();

        assertThat(data[0]).isEqualTo((byte) 0x72);
        assertThat(data[1]).isZero();
    }

    @Test
    void aLogicalUnitResetRaisesAResetAttentionForEveryNexus() {
        assertThat(target.target.resetLogicalUnit(target.first, 0)).isTrue();

        Result other = target.run(target.second, Cdbs.testUnitReady());
        Result requester = target.run(target.first, Cdbs.testUnitReady());

        assertThat(other.asc()).isEqualTo(0x29);
        assertThat(other.ascq()).isEqualTo(0x03);
        assertThat(requester.asc()).isEqualTo(0x29);
        assertThat(target.run(target.first, Cdbs.testUnitReady()).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void aResetReplacesOtherPendingAttentions() {
        target.target.logicalUnit().grow(2 * BLOCKS * BLOCK).join();

        target.target.resetLogicalUnit(target.first, 0);

        assertThat(target.run(target.second, Cdbs.testUnitReady()).asc()).isEqualTo(0x29);
        assertThat(target.run(target.second, Cdbs.testUnitReady()).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void aResetOfAnotherLunIsRefused() {
        assertThat(target.target.resetLogicalUnit(target.first, 5)).isFalse();
    }

    @Test
    void aTargetResetRaisesAResetAttention() {
        target.target.resetTarget(target.first);

        assertThat(target.run(target.second, Cdbs.testUnitReady()).asc()).isEqualTo(0x29);
    }

    @Test
    void growingTheUnitRaisesCapacityDataHasChangedAndReportsTheNewSize() {
        target.target.logicalUnit().grow(2 * BLOCKS * BLOCK).join();

        Result attention = target.run(target.first, Cdbs.readCapacity16(32));
        Result capacity = target.run(target.first, Cdbs.readCapacity16(32));

        assertThat(attention.asc()).isEqualTo(0x2A);
        assertThat(attention.ascq()).isEqualTo(0x09);
        assertThat(Cdb.u64(capacity.data(), 0)).isEqualTo(2 * BLOCKS - 1);
        assertThat(target.run(target.first, Cdbs.write16(2 * BLOCKS - 1, 1), new byte[BLOCK]).status())
                .isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void aGrowthToTheSizeAlreadyReachedRaisesNoSecondAttention() {
        target.target.logicalUnit().grow(2 * BLOCKS * BLOCK).join();
        assertThat(target.run(target.first, Cdbs.testUnitReady()).asc()).isEqualTo(0x2A);

        target.target.logicalUnit().grow(2 * BLOCKS * BLOCK).join(); // a retry that ran alongside the first

        assertThat(target.run(target.first, Cdbs.testUnitReady()).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void aGrowthToTheSizeTheDeviceAlreadyHadWhenAskedRaisesNoAttention() {
        target.device.resize(2 * BLOCKS * BLOCK).join(); // as a replicated volume learns its size after the unit is made

        target.target.logicalUnit().grow(2 * BLOCKS * BLOCK).join();

        assertThat(target.run(target.first, Cdbs.testUnitReady()).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void anUnknownOpcodeIsAnInvalidCommandOperationCode() {
        Result result = target.run(new byte[] {(byte) 0xC7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

        assertThat(result.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(result.asc()).isEqualTo(0x20);
        assertThat(result.ascq()).isZero();
    }

    @Test
    void aDeviceThatCanNoLongerServeIsReportedAsAnInternalTargetFailure() {
        target.device.close();

        Result read = target.run(Cdbs.read10(0, 1));

        assertThat(read.senseKey()).isEqualTo(Sense.HARDWARE_ERROR);
        assertThat(read.asc()).isEqualTo(0x44);
        assertThat(read.transferLength()).isEqualTo(BLOCK);
    }

    @Test
    void anEmptyCdbIsAnInvalidCommandOperationCode() {
        assertThat(target.run(new byte[0]).asc()).isEqualTo(0x20);
    }

    @Test
    void anUnknownServiceActionOfAKnownOpcodeIsAnInvalidField() {
        byte[] cdb = Cdbs.readCapacity16(32);
        cdb[1] = 0x1F;

        assertThat(target.run(cdb).asc()).isEqualTo(0x24);
    }

    @Test
    void commandsToAMissingLunReportLogicalUnitNotSupported() {
        Result result = target.runOnLun(target.first, 1L << 48, Cdbs.testUnitReady(), null);

        assertThat(result.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(result.asc()).isEqualTo(0x25);
    }

    @Test
    void aCdbPaddedTo16BytesIsReadAsItsOwnLength() {
        byte[] data = target.writePattern(12, 1, 4);
        byte[] padded = java.util.Arrays.copyOf(Cdbs.read10(12, 1), 16);
        padded[13] = 0x7F;

        assertThat(target.run(padded).data()).isEqualTo(data);
    }

    @Test
    void theDataOutBufferIsReleasedWhenTheCommandCompletes() {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[BLOCK]);
        ScsiCommand write = new ScsiCommand(target.first, 0, Cdbs.write10(0, 1), TaskAttribute.SIMPLE, 7, BLOCK, data);

        target.target.execute(write).join();

        assertThat(data.refCnt()).isZero();
    }

    @Test
    void theDataOutBufferIsReleasedWhenTheCommandFails() {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[BLOCK]);
        ScsiCommand write = new ScsiCommand(target.first, 0, Cdbs.write10(BLOCKS, 1), TaskAttribute.SIMPLE, 7, BLOCK, data);

        target.target.execute(write).join();

        assertThat(data.refCnt()).isZero();
    }

    @Test
    void readCapacity10ReportsTheLastLbaAndBlockLength() {
        byte[] data = target.run(Cdbs.readCapacity10()).data();

        assertThat(Cdb.u32(data, 0)).isEqualTo(BLOCKS - 1);
        assertThat(Cdb.u32(data, 4)).isEqualTo(BLOCK);
    }

    @Test
    void beyond32BitLbasReadCapacity10SaysAllOnesAndLbaStatusSplitsLongExtents() throws Exception {
        long blocks = (1L << 32) + 8;
        try (FileBlockDevice big = FileBlockDevice.open(dir.resolve("big.img"), blocks * BLOCK, BLOCK, 1,
                UnpooledByteBufAllocator.DEFAULT)) {
            BlockScsiTarget bigTarget = new BlockScsiTarget(new LogicalUnit(LogicalUnitConfig.basalt("big"), big));
            ScsiResponse capacity10 = bigTarget.execute(new ScsiCommand(target.first, 0, Cdbs.readCapacity10(),
                    TaskAttribute.SIMPLE, 1, 8, null)).join();
            ScsiResponse capacity16 = bigTarget.execute(new ScsiCommand(target.first, 0, Cdbs.readCapacity16(32),
                    TaskAttribute.SIMPLE, 2, 32, null)).join();

            ScsiResponse status = bigTarget.execute(new ScsiCommand(target.first, 0, Cdbs.getLbaStatus(0, 64),
                    TaskAttribute.SIMPLE, 3, 64, null)).join();

            assertThat(capacity10.dataIn().getUnsignedInt(0)).isEqualTo(0xFFFF_FFFFL);
            assertThat(capacity16.dataIn().getLong(0)).isEqualTo(blocks - 1);
            // One deallocated extent longer than a descriptor can hold comes back as two.
            assertThat(status.dataIn().getUnsignedInt(0)).isEqualTo(4 + 2 * 16);
            assertThat(status.dataIn().getUnsignedInt(16)).isEqualTo(0xFFFF_FFFFL);
            assertThat(status.dataIn().getLong(24)).isEqualTo(0xFFFF_FFFFL);
            assertThat(status.dataIn().getUnsignedInt(32)).isEqualTo(9);
            capacity10.dataIn().release();
            capacity16.dataIn().release();
            status.dataIn().release();
        }
    }

    @Test
    void readCapacity16ReportsThinProvisioningAndThePhysicalBlockExponent() {
        byte[] data = target.run(Cdbs.readCapacity16(32)).data();

        assertThat(data).hasSize(32);
        assertThat(data[13] & 0x0F).isZero();
        assertThat(data[14] & 0xC0).isEqualTo(0xC0);
    }

    @Test
    void readCapacity16HonoursTheAllocationLength() {
        assertThat(target.run(Cdbs.readCapacity16(12)).data()).hasSize(12);
    }

    @Test
    void startStopUnitAndPreventAllowAreAccepted() {
        assertThat(target.run(new byte[] {0x1B, 0, 0, 0, 0x01, 0}).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(new byte[] {0x1B, 0, 0, 0, 0x00, 0}).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(new byte[] {0x1E, 0, 0, 0, 0x01, 0}).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void ejectingWhileRemovalIsPreventedIsRefused() {
        target.run(new byte[] {0x1E, 0, 0, 0, 0x01, 0});

        Result eject = target.run(new byte[] {0x1B, 0, 0, 0, 0x02, 0});

        assertThat(eject.asc()).isEqualTo(0x53);
        assertThat(eject.ascq()).isEqualTo(0x02);
    }
}
