package io.basalt.engine.iscsi;

import static io.basalt.engine.iscsi.TestInitiator.INITIATOR;
import static io.basalt.engine.iscsi.TestInitiator.keys;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.ScsiCommandPdu;
import io.basalt.engine.iscsi.pdu.TextRequestPdu;
import io.basalt.engine.iscsi.pdu.TextResponsePdu;
import io.basalt.engine.iscsi.session.SessionRegistry;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class DiscoveryTest {

    private final RecordingScsiTarget scsi = new RecordingScsiTarget();
    private TestInitiator initiator;

    private void discover(TargetConfig config) {
        initiator = new TestInitiator(config, new SessionRegistry(scsi, config.targetPortName()), scsi);
        LoginResponsePdu response = initiator.login(1, 3, true, "InitiatorName=" + INITIATOR, "SessionType=Discovery");
        response.release();
        assertThat(response.statusClass()).isZero();
    }

    @AfterEach
    void close() {
        initiator.close();
    }

    private TextResponsePdu sendTargets(String value) {
        initiator.send(new TextRequestPdu().initiatorTaskTag(initiator.nextItt()).cmdSN(initiator.cmdSN++)
                .text(TestInitiator.text("SendTargets=" + value)));
        return initiator.receive();
    }

    @Test
    void sendTargetsAllAnswersTheTargetAtItsAdvertisedPortal() {
        discover(TestInitiator.config());

        assertThat(keys(sendTargets("All"))).containsEntry("TargetName", TestInitiator.TARGET)
                .containsEntry("TargetAddress", "192.0.2.7:3260,1");
        assertThat(scsi.added).as("discovery sessions have no nexus").isEmpty();
    }

    @Test
    void sendTargetsNamingAnotherTargetAnswersNothing() {
        discover(TestInitiator.config());

        assertThat(keys(sendTargets("iqn.2026-01.io.basalt:other"))).isEmpty();
    }

    @Test
    void initiatorOutsideTheAclDiscoversNothing() {
        discover(TestInitiator.config(null, null, Set.of("iqn.2026-01.io.basalt:someone-else")));

        assertThat(keys(sendTargets("All"))).isEmpty();
    }

    @Test
    void discoveryNeedsNoChapEvenWhenNormalSessionsDo() {
        discover(TestInitiator.config(ChapCredentials.of("alice", "secretsecret12"), null, Set.of()));

        assertThat(keys(sendTargets("All"))).containsKey("TargetName");
    }

    @Test
    void scsiCommandsAreRejectedInDiscoverySessions() {
        discover(TestInitiator.config());

        initiator.send(new ScsiCommandPdu().flags(true, false, false).initiatorTaskTag(1).cmdSN(initiator.cmdSN)
                .cdb(new byte[6]));

        Pdu reject = initiator.receive();
        reject.release();
        assertThat(reject.opcodeCode()).isEqualTo(0x3f);
        assertThat(scsi.commands).isEmpty();
    }
}
