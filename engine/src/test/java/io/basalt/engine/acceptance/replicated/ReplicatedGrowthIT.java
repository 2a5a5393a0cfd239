package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.engine.management.v1.ReplicaInfo;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replicated volume grown with {@code ctl resize} while an initiator writes to it: READ CAPACITY
 * shows the new size, the replicas have it, and the data on both sides of the old end reads back.
 */
class ReplicatedGrowthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long OLD_SIZE = 64L << 20;
    private static final long NEW_SIZE = 128L << 20;
    private static final int REGION = 64 << 10;
    private static final long MIB = 1L << 20;
    private static final List<Integer> POOLS = List.of(0, 1, 2);

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void ctlResizeWhileWritingGrowsTheLunAndKeepsDataOnBothSidesOfTheOldEnd() throws Exception {
        ReplicatedVolume volume = fixture.cluster().healthyVolume("vol-grow", OLD_SIZE, POOLS, List.of());
        fixture.qemu().io(volume.url(), List.of("write -P 0x5a " + (OLD_SIZE - MIB) + " " + MIB));
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, 256, 32).start();
        writer.awaitAcknowledged(100);
        long beforeResize = writer.acknowledged();

        JsonNode resized = JSON.readTree(volume.ctl(fixture.cluster().jar(), "--json", "resize",
                Long.toString(NEW_SIZE)).requireSuccess().stdout());

        assertThat(resized.get("previousCapacityBytes").asLong()).isEqualTo(OLD_SIZE);
        assertThat(resized.get("capacityBytes").asLong()).isEqualTo(NEW_SIZE);
        assertThat(readCapacity(volume)).isEqualTo(NEW_SIZE);
        assertThat(volume.status().getCapacityBytes()).isEqualTo(NEW_SIZE);
        for (int pool : POOLS) {
            assertThat(fixture.cluster().replicasOn(pool))
                    .extracting(ReplicaInfo::getSizeBytes).containsExactly(NEW_SIZE);
        }
        fixture.qemu().io(volume.url(), List.of("write -P 0xa5 " + OLD_SIZE + " " + MIB,
                "write -P 0xa6 " + (NEW_SIZE - MIB) + " " + MIB));
        writer.awaitAcknowledged(beforeResize + 100);
        writer.stop();

        assertThat(writer.failed()).as("writes that failed across the resize: %s", writer.failures()).isZero();
        writer.verify(fixture.qemu(), volume.url());
        fixture.qemu().io(volume.url(), List.of("read -P 0x5a " + (OLD_SIZE - MIB) + " " + MIB,
                "read -P 0xa5 " + OLD_SIZE + " " + MIB, "read -P 0 " + (OLD_SIZE + MIB) + " " + MIB,
                "read -P 0xa6 " + (NEW_SIZE - MIB) + " " + MIB));
    }

    private long readCapacity(ReplicatedVolume volume) {
        ExternalCommand.Result result = ExternalCommand.run(List.of("iscsi-readcapacity16", "-s", volume.url()),
                fixture.workspace().scratch(), Duration.ofMinutes(1)).requireSuccess();
        return Long.parseLong(result.stdout().strip());
    }
}
