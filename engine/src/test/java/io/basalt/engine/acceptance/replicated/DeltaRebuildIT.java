package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.ReplicaMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void replicaAwayWhileOnePercentWasWrittenCopiesAboutThatMuch() throws Exception {
        ReplicatedVolume volume = fixture.cluster().healthyVolume("vol-delta", SIZE, POOLS, List.of());
        fixture.qemu().io(volume.url(), List.of("write -P 0x31 0 " + SIZE));
        fixture.cluster().pool(2).killNine();
        volume.awaitReplicaMode(fixture.cluster().replicaAddress(2), ReplicaMode.REPLICA_OFFLINE);
        List<String> writes = new ArrayList<>();
        List<String> reads = new ArrayList<>();
        long stride = SIZE / WRITTEN_REGIONS / REGION * REGION;
        for (int i = 0; i < WRITTEN_REGIONS; i++) {
            writes.add("write -P 0x32 " + i * stride + " " + REGION);
            reads.add("read -P 0x32 " + i * stride + " " + REGION);
        }
        fixture.qemu().io(volume.url(), writes);
        long written = (long) WRITTEN_REGIONS * REGION;

        fixture.cluster().pool(2).start();
        RebuildProgress rebuild = volume
                .awaitReplicaMode(fixture.cluster().replicaAddress(2), ReplicaMode.REPLICA_HEALTHY).getLastRebuild();

        fixture.workspace().writeReport("delta-rebuild.txt", String.format(
                "volume %d bytes, written while away %d bytes (%.2f%%), rebuild looked at %d bytes, copied %d bytes"
                        + " (%.2f%% of the volume), delta %s, in %d ms%n", SIZE, written, 100.0 * written / SIZE,
                rebuild.getTotalBytes(), rebuild.getCopiedBytes(), 100.0 * rebuild.getCopiedBytes() / SIZE,
                rebuild.getDelta(), rebuild.getFinishedMillis() - rebuild.getStartedMillis()));
        assertThat(rebuild.getFinishedMillis()).as("a finished rebuild is reported").isPositive();
        assertThat(rebuild.getDelta()).isTrue();
        assertThat(rebuild.getCopiedBytes()).as("bytes copied for %d written", written)
                .isBetween(written, written + written / 4);
        fixture.qemu().io(volume.url(), reads);
        volume.stop();
        assertThat(fixture.cluster().checksum("vol-delta", 2)).isEqualTo(fixture.cluster().checksum("vol-delta", 0));
    }
}
