package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The pool being rebuilt reads its source over a few connections that serve window after window. */
class RebuildSourceConnectionsTest {

    private static final long WINDOWS = 32;
    private static final long SIZE = WINDOWS * Rebuild.WINDOW_BYTES;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(2, SIZE);

    @Test
    void aRebuildConnectsToItsSourceOncePerWindowInFlightNotOncePerWindow() throws Exception {
        DelayingProxy source = volume.proxy(0);
        ReplicationSettings settings = ReplicationSettings.defaults(1);
        ReplicatedBlockDevice device = volume.open(List.of(source.endpoint(LoopbackVolume.VOLUME)), settings);
        byte[] data = pattern(1 << 20, 1);
        write(device, SIZE - data.length, data);
        int connectionsBefore = source.connections();

        device.addReplica(volume.endpoint(1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(device.status().replicas().get(1).mode()).isEqualTo(MemberMode.HEALTHY));

        assertThat(source.connections() - connectionsBefore).isBetween(1, settings.rebuildConcurrency());
        assertThat(volume.pool(1).pool().replica(LoopbackVolume.VOLUME).read(SIZE - data.length, data.length))
                .isEqualTo(data);
    }
}
