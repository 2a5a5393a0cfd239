package io.basalt.engine.acceptance;

import io.basalt.engine.acceptance.client.Bhs;
import io.basalt.engine.acceptance.client.Cdbs;
import io.basalt.engine.acceptance.client.IscsiTestClient;
import io.basalt.engine.acceptance.client.IscsiTestClient.Received;
import io.basalt.engine.acceptance.client.IscsiTestClient.ScsiResult;
import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.RunningTarget;
import io.basalt.engine.acceptance.targets.TargetLauncher;
import io.basalt.engine.acceptance.targets.TargetSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance 4, on the wire: malformed and truncated PDUs, wrong lengths and digests, commands
 * outside the CmdSN window and connections dropped in the middle of a write. Each may cost the
 * offending connection, never the target: afterwards a fresh session (ours, and libiscsi's
 * iscsi-inq) is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedPduIT {

    private static final long LUN_SIZE = 64L << 20;
    private static final String IQN = "iqn.2026-11.io.basalt.test:robustness";
    private static final String INITIATOR = "iqn.2026-11.io.basalt.test:robustness-initiator";
    private static final int BLOCK = 512;
    private static final int REJECT_DATA_DIGEST_ERROR = 0x02;

    private Workspace workspace;
    private RunningTarget target;
    private int probeLba;

    @BeforeAll
    void startTarget() {
        workspace = Workspace.forTest("robustness");
        target = TargetLauncher.subject().start(
                TargetSpec.open(IQN, workspace.sparseFile("lun.img", LUN_SIZE), LUN_SIZE), workspace.logs());
    }

    @AfterAll
    void stopTarget() {
        if (target != null) {
            target.close();
        }
        if (workspace != null) {
            workspace.close();
        }
    }

    @Test
    void garbageInsteadOfALoginCostsOnlyThatConnection() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        try (IscsiTestClient client = connect()) {
            client.sendRaw(garbage);

            assertClosedAfterAtMostRejects(client);
        }
        assertTargetStillServes();
    }

    @Test
    void aTruncatedLoginFollowedByADisconnectLeavesTheTargetServing() throws IOException {
        try (IscsiTestClient client = connect()) {
            Bhs login = Bhs.of(Bhs.LOGIN_REQUEST, true).flags(0x87).isid(0x8000_0000_0001L);
            client.sendRaw(Arrays.copyOf(client.frame(login, "InitiatorName=x\0".getBytes()), 20));
            client.abort();
        }
        assertTargetStillServes();
    }

    @Test
    void aDataSegmentLongerThanMaxRecvDataSegmentLengthClosesTheConnection() throws IOException {
        try (IscsiTestClient client = loggedIn(false)) {
            Bhs nop = nopOut(client).dataSegmentLength((1 << 24) - 1);
            client.sendRaw(nop.bytes());
            client.sendRaw(new byte[4096]);

            assertClosedAfterAtMostRejects(client);
        }
        assertTargetStillServes();
    }

    @Test
    void aDataSegmentLengthShorterThanTheDataSentCostsOnlyThatConnection() throws IOException {
        try (IscsiTestClient client = loggedIn(false)) {
            Bhs write = client.scsiCommand(target.lun(), Cdbs.write10(nextProbeLba(), 1), BLOCK, false, true);
            write.flags(write.flags() | 0x80);
            byte[] frame = client.frame(write, new byte[BLOCK]);
            frame[5] = 0;
            frame[6] = 0;
            frame[7] = 100;
            client.sendRaw(frame);
            drainUntilClosedOrQuiet(client);
        }
        assertTargetStillServes();
    }

    @Test
    void aHeaderDigestErrorClosesTheConnection() throws IOException {
        try (IscsiTestClient client = loggedIn(true)) {
            assertThat(client.headerDigest()).as("target agreed to CRC32C header digests").isTrue();
            byte[] frame = client.frame(nopOut(client), new byte[0]);
            frame[Bhs.LENGTH] ^= 0x01;
            client.sendRaw(frame);

            assertClosedAfterAtMostRejects(client);
        }
        assertTargetStillServes();
    }

    @Test
    void aDataDigestErrorIsRejectedWithReasonDataDigestError() throws IOException {
        try (IscsiTestClient client = loggedIn(true)) {
            assertThat(client.dataDigest()).as("target agreed to CRC32C data digests").isTrue();
            Bhs nop = nopOut(client);
            byte[] frame = client.frame(nop, new byte[64]);
            frame[frame.length - 1] ^= 0x01;
            client.sendRaw(frame);

            Received answer = client.receive();
            assertThat(answer.bhs().opcode()).as("answer to a PDU with a bad data digest: %s", answer.bhs())
                    .isEqualTo(Bhs.REJECT);
            assertThat(answer.bhs().byteAt(2)).as("Reject reason").isEqualTo(REJECT_DATA_DIGEST_ERROR);
        }
        assertTargetStillServes();
    }

    @Test
    void aCommandOutsideTheCmdSNWindowIsIgnored() throws IOException {
        try (IscsiTestClient client = loggedIn(false)) {
            Bhs outOfWindow = Bhs.of(Bhs.SCSI_COMMAND, false).flags(0x81).lun((long) target.lun() << 48)
                    .initiatorTaskTag(client.tag()).int32(24, client.nextCmdSN() + 0x10000)
                    .int32(28, client.expStatSN()).cdb(Cdbs.testUnitReady());
            client.send(outOfWindow, new byte[0]);

            Received answer = client.ping();
            assertThat(answer.bhs().opcode()).as("next PDU after an out-of-window command: %s", answer.bhs())
                    .isEqualTo(Bhs.NOP_IN);
            assertThat(client.execute(target.lun(), Cdbs.testUnitReady(), 0).good()).isTrue();
        }
        assertTargetStillServes();
    }

    @Test
    void aConnectionResetInTheMiddleOfDataOutLeavesTheTargetServing() throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (IscsiTestClient client = loggedIn(false)) {
                int blocks = 2048;
                Bhs write = client.scsiCommand(target.lun(), Cdbs.write10(nextProbeLba(), blocks), blocks * BLOCK,
                        false, true);
                client.send(write, new byte[0]);
                Received r2t = client.receive();
                assertThat(r2t.bhs().opcode()).as("answer to an unsolicited-data-free write: %s", r2t.bhs())
                        .isEqualTo(Bhs.R2T);
                int desired = r2t.bhs().int32(44);
                client.sendDataOut(target.lun(), write.initiatorTaskTag(), r2t.bhs().int32(20), new byte[blocks * BLOCK],
                        0, Math.max(BLOCK, desired / 2));
                client.abort();
            }
        }
        assertTargetStillServes();
    }

    @Test
    void anUnknownOpcodeIsRejectedAndTheConnectionGoesOn() throws IOException {
        try (IscsiTestClient client = loggedIn(false)) {
            Bhs unknown = Bhs.of(0x1c, true).flags(0x80).initiatorTaskTag(client.tag()).int32(24, client.nextCmdSN())
                    .int32(28, client.expStatSN());
            client.send(unknown, new byte[0]);

            Received answer = client.receive();
            assertThat(answer.bhs().opcode()).as("answer to opcode 0x1c: %s", answer.bhs()).isEqualTo(Bhs.REJECT);
            assertThat(client.ping().bhs().opcode()).isEqualTo(Bhs.NOP_IN);
        }
        assertTargetStillServes();
    }

    /** A fresh session writes and reads back a block, and libiscsi's iscsi-inq gets an answer. */
    private void assertTargetStillServes() throws IOException {
        assertThat(target.isAlive()).as("target process is alive").isTrue();
        int lba = nextProbeLba();
        byte[] pattern = new byte[BLOCK];
        new Random(lba).nextBytes(pattern);
        try (IscsiTestClient client = loggedIn(false)) {
            assertThat(client.write(target.lun(), Cdbs.write10(lba, 1), pattern).good()).as("write after abuse").isTrue();
            ScsiResult read = client.execute(target.lun(), Cdbs.read10(lba, 1), BLOCK);
            assertThat(read.good()).as("read after abuse").isTrue();
            assertThat(read.data()).isEqualTo(pattern);
            client.logout();
        }
        ExternalCommand.Result inquiry = ExternalCommand.run(List.of("iscsi-inq", target.url()), workspace.scratch(),
                Duration.ofSeconds(30));
        assertThat(inquiry.exitCode()).as("iscsi-inq: %s%s", inquiry.stdout(), inquiry.stderr()).isZero();
        assertThat(inquiry.stdout()).contains("Peripheral Device Type");
    }

    private int nextProbeLba() {
        probeLba += 4096;
        return probeLba;
    }

    private IscsiTestClient connect() {
        return IscsiTestClient.connect(target.host(), target.port());
    }

    private IscsiTestClient loggedIn(boolean digests) throws IOException {
        IscsiTestClient client = connect();
        try {
            client.login(INITIATOR, IQN, digests);
            client.clearUnitAttentions(target.lun());
            return client;
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static Bhs nopOut(IscsiTestClient client) {
        return Bhs.of(Bhs.NOP_OUT, true).flags(0x80).initiatorTaskTag(client.tag()).int32(20, Bhs.NO_TAG)
                .int32(24, client.nextCmdSN()).int32(28, client.expStatSN());
    }

    /** The target may send Rejects first (RFC 7143 7.8), then must close the connection. */
    private static void assertClosedAfterAtMostRejects(IscsiTestClient client) throws IOException {
        List<Bhs> before = new ArrayList<>();
        Optional<Received> next;
        while ((next = client.awaitCloseOrPdu(10_000)).isPresent()) {
            before.add(next.get().bhs());
            assertThat(before).as("PDUs before the close").hasSizeLessThan(5)
                    .allMatch(bhs -> bhs.opcode() == Bhs.REJECT || bhs.opcode() == Bhs.LOGIN_RESPONSE);
        }
    }

    /** Reads whatever the target answers until it closes or stays quiet for a second. */
    private static void drainUntilClosedOrQuiet(IscsiTestClient client) {
        try {
            for (int i = 0; i < 16 && client.awaitCloseOrPdu(1_000).isPresent(); i++) {
                // Answers to a desynchronised stream are not specified; only survival is.
            }
        } catch (IOException quiet) {
            // Neither answered nor closed within the second: the connection is simply stuck, which is allowed.
        }
    }
}
