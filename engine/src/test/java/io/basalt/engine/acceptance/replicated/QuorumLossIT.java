package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.acceptance.client.Cdbs;
import io.basalt.engine.acceptance.client.IscsiTestClient;
import io.basalt.engine.acceptance.client.IscsiTestClient.ScsiResult;
import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.TargetStatusResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two pools of three killed with SIGKILL under writes: with fewer than CF (2) healthy replicas the
 * volume acknowledges nothing; writes wait for the quorum to return for a while (the quorum wait),
 * then fail with a SCSI error; when the pools return it recovers by itself and every write it
 * acknowledged reads back.
 */
class QuorumLossIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;
    private static final String VOLUME = "vol-quorum";
    private static final int CHECK_CONDITION = 0x02;
    private static final int NOT_READY = 0x02;

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void writesFailWithASenseWhileTwoPoolsAreDownAndTheVolumeRecoversWithEveryAcknowledgedWrite() throws Exception {
        ReplicatedVolume volume = fixture.cluster().healthyVolume(VOLUME, SIZE, List.of(0, 1, 2), List.of());
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, (int) (SIZE / 2 / REGION), 32).start();
        writer.awaitAcknowledged(200);

        fixture.cluster().pool(1).killNine();
        fixture.cluster().pool(2).killNine();

        TargetStatusResponse offline = volume.awaitHealth(Health.OFFLINE);
        assertThat(offline.getHealthReason()).isNotBlank();
        await().atMost(Duration.ofMinutes(2)).until(() -> writer.failed() > 0);
        long acknowledgedAtFirstFailure = writer.acknowledged();
        ScsiResult refused = writeOneBlock(volume);
        assertThat(refused.status()).as("SCSI status of a WRITE(10) without quorum").isEqualTo(CHECK_CONDITION);
        assertThat(sense(refused)).as("sense key, ASC, ASCQ: NOT READY, LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT "
                + "IN UNAVAILABLE STATE").containsExactly(NOT_READY, 0x04, 0x0C);
        await().atMost(Duration.ofMinutes(1)).until(() -> writer.failed() >= 10);
        writer.stop();
        assertThat(writer.acknowledged()).as("writes acknowledged without quorum").isEqualTo(acknowledgedAtFirstFailure);

        fixture.cluster().pool(1).start();
        fixture.cluster().pool(2).start();

        volume.awaitHealth(Health.HEALTHY);
        assertThat(writeOneBlock(volume).good()).isTrue();
        RecordingWriter after = fixture.writer(volume.url(), SIZE / 2, REGION, 16, 16)
                .writeBatches(2);
        assertThat(after.failed()).as("writes after recovery: %s", after.failures()).isZero();
        assertThat(writer.certainRegions()).isPositive();
        writer.verify(fixture.qemu(), volume.url());
        after.verify(fixture.qemu(), volume.url());
    }

    @Test
    void twoPoolsKilledAndBackWithinTheQuorumWaitCostTheInitiatorNoError() throws Exception {
        // A wait that outlasts two pool restarts on a loaded machine, reconnect back-off included.
        ReplicatedVolume volume = fixture.cluster().healthyVolume("vol-blip", SIZE, List.of(0, 1, 2),
                List.of("--quorum-wait", "60"));
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, (int) (SIZE / REGION), 32).start();
        writer.awaitAcknowledged(200);

        fixture.cluster().killNineTogether(List.of(1, 2));
        assertThat(volume.awaitHealth(Health.OFFLINE).getHealthReason()).contains("needs 2");
        fixture.cluster().startTogether(List.of(1, 2));

        writer.awaitMoreAcknowledged(200);
        writer.stop();
        assertThat(writer.failed()).as("writes the initiator saw fail: %s", writer.failures()).isZero();
        writer.verify(fixture.qemu(), volume.url());
    }

    /**
     * A WRITE(10) of the last block (which the writers leave alone) on a session of its own, after the
     * unit attentions a new session is owed; GOOD or the target's sense.
     */
    private ScsiResult writeOneBlock(ReplicatedVolume volume) throws Exception {
        int blockSize = volume.status().getBlockSize();
        try (IscsiTestClient client = IscsiTestClient.connect("127.0.0.1", volume.iscsiPort())) {
            client.login("iqn.2026-11.io.basalt.test:quorum-probe", volume.iqn(), false);
            ScsiResult result;
            int attempts = 0;
            do {
                result = client.write(0, Cdbs.write10((int) (SIZE / blockSize - 1), 1), new byte[blockSize]);
            } while (result.unitAttention() && ++attempts < 8);
            return result;
        }
    }

    /** Sense key, ASC and ASCQ of fixed-format sense data, after the 2-byte sense length of the response. */
    private static List<Integer> sense(ScsiResult result) {
        byte[] data = result.senseData();
        if (data.length < 16) {
            throw new AssertionError("no fixed-format sense: " + HexFormat.of().formatHex(data));
        }
        return List.of(data[4] & 0x0f, data[14] & 0xff, data[15] & 0xff);
    }
}
