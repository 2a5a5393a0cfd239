package io.basalt.engine.iscsi;

import static io.basalt.engine.iscsi.TestInitiator.INITIATOR;
import static io.basalt.engine.iscsi.TestInitiator.TARGET;
import static io.basalt.engine.iscsi.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.iscsi.login.BinaryValue;
import io.basalt.engine.iscsi.login.ChapAuthenticator;
import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.session.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class LoginTest {

    private final RecordingScsiTarget scsi = new RecordingScsiTarget();
    private TestInitiator initiator;

    private TestInitiator connect(TargetConfig config) {
        SessionRegistry registry = new SessionRegistry(scsi, config.targetPortName());
        initiator = new TestInitiator(config, registry, scsi);
        return initiator;
    }

    @AfterEach
    void close() {
        initiator.close();
    }

    @Test
    void loginWithoutSecurityReachesFullFeaturePhaseAndAddsTheNexus() {
        connect(TestInitiator.config());

        LoginResponsePdu response = initiator.loginNormal();

        assertThat(response.statusClass()).isZero();
        assertThat(response.transit()).isTrue();
        assertThat(response.nextStage()).isEqualTo(3);
        assertThat(response.tsih()).isNotZero();
        Map<String, String> keys = keys(response);
        assertThat(keys).containsEntry("TargetPortalGroupTag", "1").containsEntry("MaxRecvDataSegmentLength", "262144");
        assertThat(scsi.added).singleElement()
                .satisfies(nexus -> assertThat(nexus.initiatorPort()).isEqualTo(INITIATOR + ",i,0x400001370000"));
    }

    @Test
    void operationalKeysFollowTheNegotiationFunctionsOfEachKey() {
        connect(TestInitiator.config());

        Map<String, String> keys = keys(initiator.loginNormal("HeaderDigest=CRC32C,None", "DataDigest=None",
                "MaxConnections=4", "InitialR2T=Yes", "ImmediateData=No", "MaxBurstLength=131072",
                "FirstBurstLength=999999999", "DefaultTime2Wait=7", "DefaultTime2Retain=30", "MaxOutstandingR2T=2",
                "DataPDUInOrder=No", "DataSequenceInOrder=Yes", "ErrorRecoveryLevel=2", "X-com.example.Private=1",
                "MaxRecvDataSegmentLength=65536"));

        assertThat(keys).containsEntry("HeaderDigest", "CRC32C").containsEntry("DataDigest", "None")
                .containsEntry("MaxConnections", "1").containsEntry("InitialR2T", "Yes")
                .containsEntry("ImmediateData", "No").containsEntry("MaxBurstLength", "131072")
                .containsEntry("FirstBurstLength", "Reject").containsEntry("DefaultTime2Wait", "7")
                .containsEntry("DefaultTime2Retain", "0").containsEntry("MaxOutstandingR2T", "2")
                .containsEntry("DataPDUInOrder", "Yes").containsEntry("DataSequenceInOrder", "Yes")
                .containsEntry("ErrorRecoveryLevel", "0").containsEntry("X-com.example.Private", "NotUnderstood")
                .doesNotContainKey("MaxRecvDataSegmentLength=65536");
    }

    @Test
    void malformedBooleanIsAnsweredWithReject() {
        connect(TestInitiator.config());

        assertThat(keys(initiator.loginNormal("InitialR2T=Maybe"))).containsEntry("InitialR2T", "Reject");
    }

    @Test
    void missingInitiatorNameFailsWithMissingParameter() {
        connect(TestInitiator.config());

        LoginResponsePdu response = initiator.login(1, 3, true, "TargetName=" + TARGET);

        assertThat(status(response)).isEqualTo(0x0207);
        assertThat(initiator.target.isOpen()).isFalse();
    }

    @Test
    void unknownTargetFailsWithNotFound() {
        connect(TestInitiator.config());

        LoginResponsePdu response = initiator.login(1, 3, true, "InitiatorName=" + INITIATOR, "TargetName=iqn.nope:x");

        assertThat(status(response)).isEqualTo(0x0203);
    }

    @Test
    void initiatorOutsideTheAclFailsWithAuthorizationFailure() {
        connect(TestInitiator.config(null, null, Set.of("iqn.2026-01.io.basalt:someone-else")));

        assertThat(status(initiator.loginNormal())).isEqualTo(0x0202);
        assertThat(scsi.added).isEmpty();
    }

    @Test
    void initiatorInTheAclLogsIn() {
        connect(TestInitiator.config(null, null, Set.of(INITIATOR)));

        assertThat(status(initiator.loginNormal())).isZero();
    }

    @Test
    void unknownSessionTypeIsNotSupported() {
        connect(TestInitiator.config());

        LoginResponsePdu response = initiator.login(1, 3, true, "InitiatorName=" + INITIATOR, "SessionType=Weird");

        assertThat(status(response)).isEqualTo(0x0209);
    }

    @Test
    void unsupportedVersionIsRefused() {
        connect(TestInitiator.config());

        initiator.send(initiator.loginRequest(1, 3, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET)
                .versions(2, 1));

        assertThat(status(initiator.receive())).isEqualTo(0x0205);
    }

    @Test
    void keySentTwiceIsAnInitiatorError() {
        connect(TestInitiator.config());

        assertThat(status(initiator.loginNormal("MaxBurstLength=512", "MaxBurstLength=1024"))).isEqualTo(0x0200);
    }

    @Test
    void textContinuedOverTwoRequestsIsNegotiatedAsOne() {
        connect(TestInitiator.config());
        initiator.send(initiator.loginRequest(1, 3, false, "InitiatorName=" + INITIATOR)
                .stages(false, true, 1, 3));
        LoginResponsePdu partial = initiator.receive();
        assertThat(partial.transit()).isFalse();
        assertThat(partial.dataSegmentLength()).isZero();

        LoginResponsePdu response = initiator.login(1, 3, true, "TargetName=" + TARGET, "MaxOutstandingR2T=3");

        assertThat(keys(response)).containsEntry("MaxOutstandingR2T", "3");
        assertThat(status(response)).isZero();
    }

    @Test
    void transitAndContinueTogetherAreAnInitiatorError() {
        connect(TestInitiator.config());

        initiator.send(initiator.loginRequest(1, 3, true, "InitiatorName=" + INITIATOR).stages(true, true, 1, 3));

        assertThat(status(initiator.receive())).isEqualTo(0x0200);
    }

    @Test
    void chapLoginSucceedsWithTheRightSecret() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        LoginResponsePdu last = chapLogin("alice", "secretsecret12", false);

        assertThat(status(last)).isZero();
        assertThat(last.transit()).isTrue();
        assertThat(last.nextStage()).isEqualTo(1);
    }

    @Test
    void chapLoginFailsWithTheWrongSecret() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        assertThat(status(chapLogin("alice", "wrongsecret123", false))).isEqualTo(0x0201);
        assertThat(initiator.target.isOpen()).isFalse();
    }

    @Test
    void chapResponseMayBeBase64Encoded() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        assertThat(status(chapLogin("alice", "secretsecret12", true))).isZero();
    }

    @Test
    void targetRequiringChapRefusesAuthMethodNone() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        LoginResponsePdu response = initiator.login(0, 1, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=None");

        assertThat(status(response)).isEqualTo(0x0201);
    }

    @Test
    void targetRequiringChapRefusesSkippingTheSecurityStage() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        assertThat(status(initiator.loginNormal())).isEqualTo(0x0201);
    }

    @Test
    void mutualChapAnswersTheInitiatorsChallengeWithTheTargetSecret() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"),
                ChapCredentials.of("target-user", "targetsecret34"), Set.of()));
        Map<String, String> challenge = startChap();
        byte[] ourChallenge = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f10");

        LoginResponsePdu response = initiator.login(0, 1, true, "CHAP_N=alice",
                "CHAP_R=" + BinaryValue.hex(answer(challenge, "secretsecret12")),
                "CHAP_I=77", "CHAP_C=0x0102030405060708090a0b0c0d0e0f10");

        Map<String, String> keys = keys(response);
        assertThat(status(response)).isZero();
        assertThat(keys).containsEntry("CHAP_N", "target-user").containsEntry("CHAP_R",
                BinaryValue.hex(ChapAuthenticator.md5(77, "targetsecret34".getBytes(StandardCharsets.UTF_8), ourChallenge)));
    }

    @Test
    void mutualChapWithoutTargetCredentialsFails() {
        connect(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));
        Map<String, String> challenge = startChap();

        LoginResponsePdu response = initiator.login(0, 1, true, "CHAP_N=alice",
                "CHAP_R=" + BinaryValue.hex(answer(challenge, "secretsecret12")), "CHAP_I=77", "CHAP_C=0x0102030405");

        assertThat(status(response)).isEqualTo(0x0201);
    }

    @Test
    void loginWithTheSameIsidReinstatesTheSessionAndDropsTheOldConnection() {
        TargetConfig config = TestInitiator.config();
        SessionRegistry registry = new SessionRegistry(scsi, config.targetPortName());
        try (TestInitiator first = new TestInitiator(config, registry, scsi)) {
            assertThat(status(first.loginNormal())).isZero();
            initiator = new TestInitiator(config, registry, scsi);

            assertThat(status(initiator.loginNormal())).isZero();

            first.target.runPendingTasks();
            assertThat(first.target.isOpen()).isFalse();
            assertThat(scsi.removed).hasSize(1);
            assertThat(scsi.added).hasSize(2);
            assertThat(registry.size()).isEqualTo(1);
        }
    }

    @Test
    void loginNamingAnExistingSessionReinstatesItsConnectionAndKeepsTheTsih() {
        TargetConfig config = TestInitiator.config();
        SessionRegistry registry = new SessionRegistry(scsi, config.targetPortName());
        try (TestInitiator first = new TestInitiator(config, registry, scsi)) {
            LoginResponsePdu established = first.loginNormal();
            established.release();
            initiator = new TestInitiator(config, registry, scsi);

            initiator.send(initiator.loginRequest(1, 3, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET)
                    .tsih(established.tsih()));
            LoginResponsePdu response = initiator.receive();

            assertThat(status(response)).isZero();
            assertThat(response.tsih()).isEqualTo(established.tsih());
            first.target.runPendingTasks();
            assertThat(first.target.isOpen()).isFalse();
        }
    }

    @Test
    void loginNamingAnUnknownSessionFailsWithSessionDoesNotExist() {
        connect(TestInitiator.config());

        initiator.send(initiator.loginRequest(1, 3, true, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET)
                .tsih(77));

        assertThat(status(initiator.receive())).isEqualTo(0x020a);
    }

    private Map<String, String> startChap() {
        LoginResponsePdu methods = initiator.login(0, 1, false, "InitiatorName=" + INITIATOR, "TargetName=" + TARGET,
                "AuthMethod=CHAP,None");
        assertThat(keys(methods)).containsEntry("AuthMethod", "CHAP");
        Map<String, String> challenge = keys(initiator.login(0, 1, false, "CHAP_A=7,5"));
        assertThat(challenge).containsEntry("CHAP_A", "5");
        assertThat(BinaryValue.decode(challenge.get("CHAP_C"))).hasSizeGreaterThanOrEqualTo(16);
        return challenge;
    }

    private LoginResponsePdu chapLogin(String user, String secret, boolean base64) {
        Map<String, String> challenge = startChap();
        byte[] response = answer(challenge, secret);
        String encoded = base64 ? "0b" + Base64.getEncoder().encodeToString(response) : BinaryValue.hex(response);
        return initiator.login(0, 1, true, "CHAP_N=" + user, "CHAP_R=" + encoded);
    }

    private static byte[] answer(Map<String, String> challenge, String secret) {
        return ChapAuthenticator.md5(Integer.parseInt(challenge.get("CHAP_I")), secret.getBytes(StandardCharsets.UTF_8),
                BinaryValue.decode(challenge.get("CHAP_C")));
    }

    private static int status(LoginResponsePdu response) {
        response.release();
        return response.statusClass() << 8 | response.statusDetail();
    }
}
