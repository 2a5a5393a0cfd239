package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.acceptance.initiator.Qemu;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.ReplicaMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica that kept its data while it was away copies only what was written meanwhile: with
 * about 1% of a volume written in its absence, its rebuild reports copying about that much, not
 * the volume.
 */
class DeltaRebuildIT {

    private static final long SIZE = 256L << 20;
    private static final int REGION = 64 << 10;
    /** 40 regions of 64 KiB spread over the volume: 2.5 MiB, about 1% of 256 MiB. */
    private static final int WRITTEN_REGIONS = 40;
    private static final List<Integer> POOLS = List.of(0, 1, 2);

    private Workspace workspace;
    private ReplicatedVolumeCluster cluster;
    private Qemu qemu;

    @BeforeEach
    void threePools() {
        workspace = Workspace.forTest("DeltaRebuildIT");
        cluster = ReplicatedVolumeCluster.withPools(workspace, 3);
        qemu = new Qemu(workspace.scratch(), Duration.ofMinutes(2));
    }

    @AfterEach
    void stopEverything() {
        cluster.close();
        workspace.close();
    }

    @Test
    void replicaAwayWhileOnePercentWasWrittenCopiesAboutThatMuch() throws Exception {
        cluster.createReplicas("vol-delta", SIZE, POOLS);
        ReplicatedVolume volume = cluster.volume("vol-delta", POOLS, List.of()).startHealthy();
        qemu.io(volume.url(), List.of("write -P 0x31 0 " + SIZE));
        cluster.pool(2).killNine();
        volume.awaitReplicaMode(cluster.replicaAddress(2), ReplicaMode.REPLICA_OFFLINE);
        List<String> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        long stride = SIZE / WRITTEN_REGIONS / REGION * REGION;
        for (int i = 0; i < WRITTEN_REGIONS; i++) {
            writes.add("write -P 0x32 " + i * stride + " " + REGION);
            reads.add("read -P 0x32 " + i * stride + " " + REGION);
        }
        qemu.io(volume.url(), writes);
        long written = (long) WRITTEN_REGIONS * REGION;

        cluster.pool(2).start();
        RebuildProgress rebuild = volume.awaitReplicaMode(cluster.replicaAddress(2), ReplicaMode.REPLICA_HEALTHY)
                .getLastRebuild();

        workspace.writeReport("delta-rebuild.txt", String.format(
                "volume %d bytes, written while away %d bytes (%.2f%%), rebuild looked at %d bytes, copied %d bytes"
                        + " (%.2f%% of the volume), delta %s, in %d ms%n", SIZE, written, 100.0 * written / SIZE,
                rebuild.getTotalBytes(), rebuild.getCopiedBytes(), 100.0 * rebuild.getCopiedBytes() / SIZE,
                rebuild.getDelta(), rebuild.getFinishedMillis() - rebuild.getStartedMillis()));
        assertThat(rebuild.getFinishedMillis()).as("a finished rebuild is reported").isPositive();
        assertThat(rebuild.getDelta()).isTrue();
        assertThat(rebuild.getCopiedBytes()).as("bytes copied for %d written", written)
                .isBetween(written, written + written / 4);
        qemu.io(volume.url(), reads);
        volume.stop();
        assertThat(cluster.checksum("vol-delta", 2)).isEqualTo(cluster.checksum("vol-delta", 0));
    }
}
