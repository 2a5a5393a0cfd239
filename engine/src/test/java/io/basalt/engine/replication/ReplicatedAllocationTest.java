package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.block.BlockDevice.Extent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which blocks a replicated volume reports mapped (GET LBA STATUS): an initiator reads the blocks
 * reported deallocated as zeroes without reading them, so the answer must cover every write
 * acknowledged before it was asked for.
 */
class ReplicatedAllocationTest {

    private static final long SIZE = 4L << 20;
    private static final int WRITTEN = 65536;
    /** The replica that has not taken the write yet stays in the write set while the test looks. */
    private static final ReplicationSettings PATIENT = ReplicationSettings.defaults(2)
            .withLagBounds(4096, Duration.ofMinutes(5));

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aWriteAcknowledgedByTheOthersIsMappedWhileAHealthyReplicaHasNotTakenItYet() throws Exception {
        WriteHoldingProxy lagging = volume.writeHoldingProxy(0);
        ReplicatedBlockDevice device = volume.open(List.of(lagging.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(1), volume.endpoint(2)), PATIENT);
        lagging.holdWrites();

        write(device, 0, pattern(WRITTEN, 1)); // acknowledged by replicas 1 and 2
        await().atMost(Duration.ofSeconds(30)).until(() -> lagging.held() == 1);

        List<Extent> extents = device.allocation(0, SIZE).get(30, TimeUnit.SECONDS);

        assertThat(extents.getFirst()).isEqualTo(new Extent(0, WRITTEN, true));
    }
}
