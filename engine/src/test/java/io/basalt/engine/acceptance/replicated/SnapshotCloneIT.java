package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.basalt.engine.management.v1.DeleteReplicaRequest;
import io.basalt.engine.management.v1.DeleteSnapshotRequest;
import io.basalt.engine.management.v1.ReplicaInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A snapshot taken through the target ({@code ctl snapshot}) and a clone volume made of it on the
 * same pools ({@code CreateReplica} with {@code clone_of}): the clone reads the snapshot's data, the
 * origin its own, neither sees the other's writes, and the clone outlives its snapshot and origin.
 */
class SnapshotCloneIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SIZE = 64L << 20;
    private static final long PART = 8L << 20;
    private static final List<Integer> POOLS = List.of(0, 1, 2);

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    @Test
    void cloneOfASnapshotReadsItsDataApartFromTheOriginAndOutlivesSnapshotAndOrigin() throws Exception {
        ReplicatedVolume origin = fixture.cluster().healthyVolume("origin", SIZE, POOLS, List.of());
        fixture.qemu().io(origin.url(), List.of("write -P 0x01 0 " + PART));

        JsonNode snapshot = JSON.readTree(origin.ctl(fixture.cluster().jar(), "--json", "snapshot", "s1")
                .requireSuccess().stdout());

        assertThat(snapshot.get("snapshot").asText()).isEqualTo("s1");
        assertThat(snapshot.get("replicas")).hasSize(3);
        fixture.qemu().io(origin.url(), List.of("write -P 0x02 0 " + PART));
        fixture.cluster().createClones("clone", "origin", "s1", POOLS);
        ReplicatedVolume clone = fixture.cluster().volume("clone", POOLS, List.of()).startHealthy();
        fixture.qemu().io(clone.url(), List.of("read -P 0x01 0 " + PART));
        fixture.qemu().io(origin.url(), List.of("read -P 0x02 0 " + PART));

        fixture.qemu().io(clone.url(), List.of("write -P 0x03 " + PART + " " + PART));

        fixture.qemu().io(origin.url(), List.of("read -P 0x02 0 " + PART, "read -P 0 " + PART + " " + PART));
        for (int pool : POOLS) {
            assertThat(replicaOn(pool, "clone").getUsedBytes()).as("clone's own bytes on pool %d", pool)
                    .isEqualTo(PART);
        }

        origin.stop();
        for (int pool : POOLS) {
            fixture.cluster().poolApi(pool).deleteSnapshot(DeleteSnapshotRequest.newBuilder().setReplica("origin")
                    .setSnapshot("s1").build());
            fixture.cluster().poolApi(pool).deleteReplica(DeleteReplicaRequest.newBuilder().setName("origin").build());
        }

        fixture.qemu().io(clone.url(), List.of("read -P 0x01 0 " + PART, "read -P 0x03 " + PART + " " + PART,
                "read -P 0 " + 2 * PART + " " + (SIZE - 2 * PART)));
        assertThat(fixture.cluster().replicasOn(0))
                .extracting(ReplicaInfo::getName).containsExactly("clone");
        clone.stop();
        assertThat(List.of(fixture.cluster().checksum("clone", 1), fixture.cluster().checksum("clone", 2)))
                .containsOnly(fixture.cluster().checksum("clone", 0));
    }

    private ReplicaInfo replicaOn(int pool, String name) {
        return fixture.cluster().replicasOn(pool).stream()
                .filter(replica -> replica.getName().equals(name)).findFirst().orElseThrow();
    }
}
