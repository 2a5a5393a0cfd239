package io.basalt.engine.iscsi;

import static io.basalt.engine.iscsi.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.iscsi.pdu.DataInPdu;
import io.basalt.engine.iscsi.pdu.DataOutPdu;
import io.basalt.engine.iscsi.pdu.LogoutRequestPdu;
import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.pdu.LogoutResponsePdu;
import io.basalt.engine.iscsi.pdu.NopInPdu;
import io.basalt.engine.iscsi.pdu.NopOutPdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.ReadyToTransferPdu;
import io.basalt.engine.iscsi.pdu.RejectPdu;
import io.basalt.engine.iscsi.pdu.ScsiCommandPdu;
import io.basalt.engine.iscsi.pdu.ScsiResponsePdu;
import io.basalt.engine.iscsi.pdu.TaskManagementRequestPdu;
import io.basalt.engine.iscsi.pdu.TaskManagementResponsePdu;
import io.basalt.engine.iscsi.pdu.TextRequestPdu;
import io.basalt.engine.iscsi.pdu.TextResponsePdu;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.scsi.ScsiResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class FullFeaturePhaseTest {

    private static final byte[] READ_10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] WRITE_10 = {0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0};
    private static final byte[] TEST_UNIT_READY = {0, 0, 0, 0, 0, 0};

    private final RecordingScsiTarget scsi = new RecordingScsiTarget();
    private final TargetConfig config = TestInitiator.config();
    private final SessionRegistry registry = new SessionRegistry(scsi, config.targetPortName());
    private final TestInitiator initiator = new TestInitiator(config, registry, scsi);

    @AfterEach
    void close() {
        initiator.close();
    }

    private void login(String... keys) {
        LoginResponsePdu response = initiator.loginNormal(keys);
        response.release();
        assertThat(response.statusClass()).isZero();
    }

    private ScsiCommandPdu command(byte[] cdb, boolean read, boolean write, int length) {
        return new ScsiCommandPdu().flags(true, read, write).simpleAttribute().initiatorTaskTag(initiator.nextItt())
                .cmdSN(initiator.cmdSN++).expectedDataTransferLength(length).cdb(cdb);
    }

    private List<Pdu> receiveAll() {
        List<Pdu> pdus = new ArrayList<>();
        Pdu pdu;
        while ((pdu = initiator.receive()) != null) {
            pdus.add(pdu);
        }
        return pdus;
    }

    @Test
    void readIsSplitByTheInitiatorsSegmentLengthWithTheStatusInTheLastDataIn() {
        login("MaxRecvDataSegmentLength=8192");

        initiator.send(command(READ_10, true, false, 20000));

        List<Pdu> pdus = receiveAll();
        assertThat(pdus).hasSize(3).allMatch(DataInPdu.class::isInstance);
        DataInPdu last = (DataInPdu) pdus.get(2);
        assertThat(pdus).extracting(Pdu::dataSegmentLength).containsExactly(8192, 8192, 3616);
        assertThat(pdus).extracting(p -> ((DataInPdu) p).bufferOffset()).containsExactly(0, 8192, 16384);
        assertThat(pdus).extracting(p -> ((DataInPdu) p).dataSN()).containsExactly(0, 1, 2);
        assertThat(pdus).extracting(p -> ((DataInPdu) p).hasStatus()).containsExactly(false, false, true);
        assertThat(last.isFinal()).isTrue();
        assertThat(last.status()).isZero();
        assertThat(last.residualUnderflow() || last.residualOverflow()).isFalse();
        assertThat(ByteBufUtil.getBytes(last.data())).isEqualTo(ByteBufUtil.getBytes(RecordingScsiTarget.pattern(20000), 16384, 3616));
        pdus.forEach(Pdu::release);
    }

    @Test
    void dataInSequencesEndAtMaxBurstLength() {
        login("MaxRecvDataSegmentLength=8192", "MaxBurstLength=16384");

        initiator.send(command(READ_10, true, false, 40000));

        List<Pdu> pdus = receiveAll();
        assertThat(pdus).extracting(Pdu::isFinal).containsExactly(false, true, false, true, true);
        pdus.forEach(Pdu::release);
    }

    @Test
    void shorterAnswerThanExpectedIsReportedAsUnderflow() {
        login();
        scsi.answer = command -> ScsiResponse.good(RecordingScsiTarget.pattern(100), 255);

        initiator.send(command(new byte[] {0x12, 0, 0, 0, (byte) 255, 0}, true, false, 512));

        DataInPdu data = initiator.receive();
        assertThat(data.dataSegmentLength()).isEqualTo(100);
        data.release();
        assertThat(data.hasStatus()).isTrue();
        assertThat(data.residualUnderflow()).isTrue();
        assertThat(data.residualCount()).isEqualTo(412);
    }

    @Test
    void cdbAskingForMoreThanExpectedIsReportedAsOverflowAndTruncated() {
        login();
        scsi.answer = command -> ScsiResponse.good(RecordingScsiTarget.pattern(1024), 1024);

        initiator.send(command(READ_10, true, false, 512));

        DataInPdu data = initiator.receive();
        assertThat(data.dataSegmentLength()).isEqualTo(512);
        data.release();
        assertThat(data.residualOverflow()).isTrue();
        assertThat(data.residualCount()).isEqualTo(512);
    }

    @Test
    void checkConditionIsASeparateResponseWithLengthPrefixedSense() {
        login();
        byte[] sense = {0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0};
        scsi.answer = command -> ScsiResponse.checkCondition(sense, 0);

        initiator.send(command(new byte[] {(byte) 0xff, 0, 0, 0, 0, 0}, false, false, 0));

        ScsiResponsePdu response = initiator.receive();
        ByteBuf segment = response.data();
        assertThat(response.status()).isEqualTo(ScsiResponse.CHECK_CONDITION);
        assertThat(segment.readUnsignedShort()).isEqualTo(sense.length);
        assertThat(ByteBufUtil.getBytes(segment)).isEqualTo(sense);
        response.release();
    }

    @Test
    void writeIsSolicitedWithR2TsOfMaxBurstLengthOneAtATime() {
        login("InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=8192", "MaxOutstandingR2T=1");
        ByteBuf payload = RecordingScsiTarget.pattern(20000);
        ScsiCommandPdu write = command(WRITE_10, false, true, 20000);
        int itt = write.initiatorTaskTag();
        initiator.send(write);

        List<Integer> offsets = new ArrayList<>();
        List<Integer> r2tSNs = new ArrayList<>();
        ReadyToTransferPdu r2t;
        while ((r2t = initiator.receive()) != null && r2t instanceof ReadyToTransferPdu) {
            offsets.add(r2t.bufferOffset());
            r2tSNs.add(r2t.r2tSN());
            int half = r2t.desiredDataTransferLength() / 2;
            initiator.send(new DataOutPdu().fields(false, itt, r2t.targetTransferTag(), 0, r2t.bufferOffset())
                    .payload(payload.retainedSlice(r2t.bufferOffset(), half)));
            initiator.send(new DataOutPdu().fields(true, itt, r2t.targetTransferTag(), 1, r2t.bufferOffset() + half)
                    .payload(payload.retainedSlice(r2t.bufferOffset() + half, r2t.desiredDataTransferLength() - half)));
            if (r2t.bufferOffset() + r2t.desiredDataTransferLength() == 20000) {
                break;
            }
        }

        ScsiResponsePdu response = initiator.receive();
        response.release();
        assertThat(offsets).containsExactly(0, 8192, 16384);
        assertThat(r2tSNs).containsExactly(0, 1, 2);
        assertThat(response.status()).isZero();
        assertThat(response.expDataSN()).isEqualTo(3);
        assertThat(scsi.writes).singleElement().isEqualTo(ByteBufUtil.getBytes(payload));
        payload.release();
    }

    @Test
    void immediateAndUnsolicitedDataFillTheFirstBurstBeforeR2TsAskForTheRest() {
        login("InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=8192", "MaxRecvDataSegmentLength=8192");
        ByteBuf payload = RecordingScsiTarget.pattern(12000);
        ScsiCommandPdu write = command(WRITE_10, false, true, 12000).flags(false, false, true)
                .immediateData(payload.retainedSlice(0, 4096));
        initiator.send(write);
        initiator.send(new DataOutPdu().fields(true, write.initiatorTaskTag(), Pdu.RESERVED_TAG, 0, 4096)
                .payload(payload.retainedSlice(4096, 4096)));

        ReadyToTransferPdu r2t = initiator.receive();
        assertThat(r2t.bufferOffset()).isEqualTo(8192);
        assertThat(r2t.desiredDataTransferLength()).isEqualTo(12000 - 8192);
        initiator.send(new DataOutPdu().fields(true, write.initiatorTaskTag(), r2t.targetTransferTag(), 0, 8192)
                .payload(payload.retainedSlice(8192, 12000 - 8192)));

        ScsiResponsePdu response = initiator.receive();
        response.release();
        assertThat(response.status()).isZero();
        assertThat(scsi.writes).singleElement().isEqualTo(ByteBufUtil.getBytes(payload));
        payload.release();
    }

    @Test
    void laterWritesWaitForTheirFirstR2TWhileEarlierOnesFillTheGatheringBudget() {
        login("InitialR2T=Yes", "ImmediateData=No", "MaxOutstandingR2T=1");
        int length = 20 << 20;
        ScsiCommandPdu first = command(WRITE_10, false, true, length);
        ScsiCommandPdu second = command(WRITE_10, false, true, length);
        initiator.send(first);
        initiator.send(second);

        int firstBytesSent = 0;
        int secondR2TsSeenWhileFirstIncomplete = 0;
        boolean secondSolicited = false;
        Pdu pdu;
        while ((pdu = initiator.receive()) != null) {
            if (pdu instanceof ReadyToTransferPdu r2t && r2t.initiatorTaskTag() == first.initiatorTaskTag()) {
                sendSolicitedData(first.initiatorTaskTag(), r2t);
                firstBytesSent += r2t.desiredDataTransferLength();
            } else if (pdu instanceof ReadyToTransferPdu r2t && r2t.initiatorTaskTag() == second.initiatorTaskTag()) {
                secondSolicited = true;
                if (firstBytesSent < length) {
                    secondR2TsSeenWhileFirstIncomplete++;
                }
            }
            pdu.release();
        }

        assertThat(firstBytesSent).isEqualTo(length);
        assertThat(secondSolicited).isTrue();
        assertThat(secondR2TsSeenWhileFirstIncomplete).isZero();
        assertThat(scsi.writes).hasSize(1);
    }

    private void sendSolicitedData(int itt, ReadyToTransferPdu r2t) {
        int segment = 262144;
        int dataSN = 0;
        for (int sent = 0; sent < r2t.desiredDataTransferLength(); sent += segment) {
            int length = Math.min(segment, r2t.desiredDataTransferLength() - sent);
            initiator.send(new DataOutPdu().fields(sent + length == r2t.desiredDataTransferLength(), itt,
                    r2t.targetTransferTag(), dataSN++, r2t.bufferOffset() + sent)
                    .payload(Unpooled.wrappedBuffer(new byte[length])));
        }
    }

    @Test
    void dataOutAtTheWrongOffsetIsRejected() {
        login("InitialR2T=Yes", "ImmediateData=No");
        ScsiCommandPdu write = command(WRITE_10, false, true, 4096);
        initiator.send(write);
        ReadyToTransferPdu r2t = initiator.receive();

        initiator.send(new DataOutPdu().fields(true, write.initiatorTaskTag(), r2t.targetTransferTag(), 0, 512)
                .payload(Unpooled.wrappedBuffer(new byte[512])));

        Pdu reject = initiator.receive();
        reject.release();
        assertThat(reject.opcodeCode()).isEqualTo(0x3f);
        assertThat(scsi.commands).isEmpty();
    }

    @Test
    void commandsRunInCmdSNOrderWhateverTheOrderTheyArriveIn() {
        login();
        ScsiCommandPdu first = command(TEST_UNIT_READY, false, false, 0);
        ScsiCommandPdu second = command(TEST_UNIT_READY, false, false, 0);
        int firstTag = first.initiatorTaskTag();

        initiator.send(second);
        assertThat(scsi.commands).isEmpty();
        initiator.send(first);

        assertThat(scsi.commands).extracting(c -> (int) c.taskTag()).containsExactly(firstTag, firstTag + 1);
        receiveAll().forEach(Pdu::release);
    }

    @Test
    void commandOutsideTheCmdSNWindowIsDropped() {
        login();
        ScsiCommandPdu far = command(TEST_UNIT_READY, false, false, 0).cmdSN(initiator.cmdSN + 1000);

        initiator.send(far);

        assertThat(scsi.commands).isEmpty();
        assertThat((Pdu) initiator.receive()).isNull();
    }

    @Test
    void maxCmdSNAdvancesOnlyAsCommandsComplete() {
        login();
        scsi.holdResponses = true;
        initiator.send(command(TEST_UNIT_READY, false, false, 0));
        NopOutPdu ping = new NopOutPdu().immediate(true).initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN);
        initiator.send(ping);
        NopInPdu during = initiator.receive();
        during.release();

        scsi.releaseHeld();
        ScsiResponsePdu response = initiator.receive();
        response.release();

        assertThat(during.maxCmdSN()).isEqualTo(during.expCmdSN() + 16 - 2);
        assertThat(response.maxCmdSN()).isEqualTo(response.expCmdSN() + 16 - 1);
    }

    @Test
    void nopOutIsAnsweredWithItsPingData() {
        login();
        initiator.send(new NopOutPdu().initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN++)
                .pingData(Unpooled.copiedBuffer(new byte[] {1, 2, 3, 4, 5})));

        NopInPdu answer = initiator.receive();

        assertThat(ByteBufUtil.getBytes(answer.data())).containsExactly(1, 2, 3, 4, 5);
        assertThat(answer.targetTransferTag()).isEqualTo(Pdu.RESERVED_TAG);
        answer.release();
    }

    @Test
    void silentInitiatorIsPingedAndDroppedWhenItDoesNotAnswer() {
        login();

        initiator.target.advanceTimeBy(6, TimeUnit.SECONDS);
        initiator.target.runScheduledPendingTasks();
        NopInPdu ping = initiator.receive();
        ping.release();
        assertThat(ping.initiatorTaskTag()).isEqualTo(Pdu.RESERVED_TAG);
        assertThat(ping.targetTransferTag()).isNotEqualTo(Pdu.RESERVED_TAG);

        initiator.target.advanceTimeBy(11, TimeUnit.SECONDS);
        initiator.target.runScheduledPendingTasks();

        assertThat(initiator.target.isOpen()).isFalse();
        assertThat(scsi.removed).hasSize(1);
    }

    @Test
    void initiatorAnsweringThePingKeepsItsConnection() {
        login();
        initiator.target.advanceTimeBy(6, TimeUnit.SECONDS);
        initiator.target.runScheduledPendingTasks();
        NopInPdu ping = initiator.receive();
        ping.release();

        initiator.send(new NopOutPdu().immediate(true).initiatorTaskTag(Pdu.RESERVED_TAG)
                .targetTransferTag(ping.targetTransferTag()).cmdSN(initiator.cmdSN));
        initiator.target.advanceTimeBy(11, TimeUnit.SECONDS);
        initiator.target.runScheduledPendingTasks();

        assertThat(initiator.target.isOpen()).isTrue();
    }

    @Test
    void abortTaskStopsARunningCommandWithoutAResponseForIt() {
        login();
        scsi.holdResponses = true;
        ScsiCommandPdu read = command(READ_10, true, false, 512);
        int tag = read.initiatorTaskTag();
        initiator.send(read);

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.ABORT_TASK)
                .initiatorTaskTag(initiator.nextItt()).referencedTaskTag(tag).cmdSN(initiator.cmdSN)
                .refCmdSN(read.cmdSN()));
        assertThat((Pdu) initiator.receive()).as("no answer while the command still runs").isNull();
        scsi.releaseHeld();

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat((Pdu) initiator.receive()).isNull();
    }

    @Test
    void abortOfAnUnknownTaskOutsideTheWindowAnswersTaskDoesNotExist() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.ABORT_TASK)
                .initiatorTaskTag(initiator.nextItt()).referencedTaskTag(999).cmdSN(initiator.cmdSN)
                .refCmdSN(initiator.cmdSN - 5));

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.TASK_DOES_NOT_EXIST);
    }

    @Test
    void abortOfATaskNotYetArrivedButInTheWindowCountsItAsReceived() {
        login();
        int missing = initiator.cmdSN++;
        initiator.send(new TaskManagementRequestPdu().function(TaskManagementRequestPdu.ABORT_TASK)
                .initiatorTaskTag(initiator.nextItt()).referencedTaskTag(999).cmdSN(initiator.cmdSN)
                .refCmdSN(missing).immediate(true));

        TaskManagementResponsePdu answer = initiator.receive();
        initiator.send(command(TEST_UNIT_READY, false, false, 0));

        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat(scsi.commands).as("the command after the aborted CmdSN is not held back").hasSize(1);
        receiveAll().forEach(Pdu::release);
    }

    @Test
    void aCommandAbortedBeforeItArrivedIsNotRunWhenItArrivesAheadOfItsTurn() {
        login();
        ScsiCommandPdu earlier = command(TEST_UNIT_READY, false, false, 0);
        ScsiCommandPdu aborted = command(TEST_UNIT_READY, false, false, 0);
        initiator.send(new TaskManagementRequestPdu().function(TaskManagementRequestPdu.ABORT_TASK)
                .initiatorTaskTag(initiator.nextItt()).referencedTaskTag(aborted.initiatorTaskTag())
                .cmdSN(initiator.cmdSN).refCmdSN(aborted.cmdSN()).immediate(true));
        TaskManagementResponsePdu answer = initiator.receive();

        initiator.send(aborted); // late, and still behind the earlier command, which arrives last
        initiator.send(earlier);

        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat(scsi.commands).extracting(c -> (int) c.taskTag()).containsExactly(earlier.initiatorTaskTag());
        receiveAll().forEach(Pdu::release);
    }

    @Test
    void logicalUnitResetResetsTheUnit() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.LOGICAL_UNIT_RESET)
                .initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN).lun(0));

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat(scsi.resetUnits).containsExactly(0L);
    }

    @Test
    void logicalUnitResetOfAMissingUnitAnswersLunDoesNotExist() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.LOGICAL_UNIT_RESET)
                .initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN).lun(5L << 48));

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.LUN_DOES_NOT_EXIST);
    }

    @Test
    void targetWarmResetResetsTheTarget() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.TARGET_WARM_RESET)
                .initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN));

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat(scsi.targetResets).isEqualTo(1);
    }

    @Test
    void targetColdResetResetsTheTargetAndEndsTheSessionAfterAnswering() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.TARGET_COLD_RESET)
                .initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN));

        TaskManagementResponsePdu answer = initiator.receive();
        initiator.target.runPendingTasks();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_COMPLETE);
        assertThat(scsi.targetResets).isEqualTo(1);
        assertThat(initiator.target.isOpen()).isFalse();
    }

    @Test
    void otherTaskManagementFunctionsAreNotSupported() {
        login();

        initiator.send(new TaskManagementRequestPdu().immediate(true).function(TaskManagementRequestPdu.CLEAR_ACA)
                .initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN));

        TaskManagementResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(TaskManagementResponsePdu.FUNCTION_NOT_SUPPORTED);
    }

    @Test
    void sendTargetsInANormalSessionAnswersTheAdvertisedPortal() {
        login();

        initiator.send(new TextRequestPdu().initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN++)
                .text(TestInitiator.text("SendTargets=All")));

        TextResponsePdu answer = initiator.receive();
        assertThat(answer.isFinal()).isTrue();
        assertThat(keys(answer)).containsEntry("TargetName", TestInitiator.TARGET)
                .containsEntry("TargetAddress", "192.0.2.7:3260,1");
    }

    @Test
    void logoutAnswersWithTheTimesAndClosesTheConnection() {
        login("DefaultTime2Wait=4");

        initiator.send(new LogoutRequestPdu().fields(true, LogoutRequestPdu.CLOSE_SESSION, initiator.nextItt(), 0,
                initiator.cmdSN));

        LogoutResponsePdu answer = initiator.receive();
        assertThat(answer.response()).isEqualTo(LogoutResponsePdu.CLOSED_SUCCESSFULLY);
        assertThat(answer.time2Wait()).isEqualTo(4);
        assertThat(initiator.target.isOpen()).isFalse();
        assertThat(scsi.removed).hasSize(1);
    }

    @Test
    void pduWithADamagedDataSegmentIsRejectedWithDataDigestError() {
        login("HeaderDigest=CRC32C", "DataDigest=CRC32C");
        initiator.useDigests(true, true);

        initiator.sendDamaged(new NopOutPdu().initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN)
                .pingData(Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})), 48 + 4 + 1);

        Pdu reject = initiator.receive();
        assertThat(reject).isInstanceOfSatisfying(RejectPdu.class,
                pdu -> assertThat(pdu.reason()).isEqualTo(RejectPdu.DATA_DIGEST_ERROR));
        reject.release();
        assertThat(initiator.target.isOpen()).isTrue();
    }

    @Test
    void pduWithADamagedHeaderDropsTheConnection() {
        login("HeaderDigest=CRC32C");
        initiator.useDigests(true, false);

        initiator.sendDamaged(new NopOutPdu().initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN), 20);

        assertThat(initiator.target.isOpen()).isFalse();
        assertThat(scsi.removed).hasSize(1);
    }

    @Test
    void unknownOpcodeIsRejectedAsNotSupported() {
        login();
        initiator.send(new LogoutRequestPdu().fields(true, 0x7e, initiator.nextItt(), 0, initiator.cmdSN));

        Pdu reject = initiator.receive();
        reject.release();
        assertThat(reject.opcodeCode()).isEqualTo(0x3f);
    }
}
