package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.read;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where reads go: spread over the healthy replicas, never to one that is still rebuilding. */
class ReplicatedReadsTest {

    private static final long SIZE = 16L << 20;
    private static final int READ_BYTES = 64 << 10;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void readsAreSpreadOverEveryHealthyReplica() throws Exception {
        List<DelayingProxy> proxies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            proxies.add(volume.proxy(i));
        }
        ReplicatedBlockDevice device = volume.open(proxies.stream().map(p -> p.endpoint(LoopbackVolume.VOLUME))
                .toList(), ReplicationSettings.defaults(2));
        byte[] data = pattern(READ_BYTES, 1);
        write(device, 0, data);
        long[] before = proxies.stream().mapToLong(DelayingProxy::bytesFromPool).toArray();

        int reads = 60;
        for (int i = 0; i < reads; i++) {
            assertThat(read(device, 0, READ_BYTES)).isEqualTo(data);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(proxies.get(i).bytesFromPool() - before[i]).as("bytes read from replica %d", i)
                    .isGreaterThanOrEqualTo((long) reads * READ_BYTES / 4);
        }
    }

    @Test
    void aRebuildingReplicaIsNeverReadFrom() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(2).withRebuildBytesPerSecond(2L << 20));
        byte[] data = pattern((int) SIZE, 2);
        write(device, 0, data);
        DelayingProxy rebuilding = volume.proxy(2);

        device.addReplica(rebuilding.endpoint(LoopbackVolume.VOLUME));

        int passesWhileRebuilding = 0;
        while (true) {
            long served = rebuilding.bytesFromPool();
            for (long offset = 0; offset < SIZE; offset += 1 << 20) {
                assertThat(read(device, offset, 1 << 20))
                        .isEqualTo(Arrays.copyOfRange(data, (int) offset, (int) offset + (1 << 20)));
            }
            if (device.status().replicas().get(2).mode() != MemberMode.REBUILDING) {
                break; // healthy now: reads may have gone to it during this pass
            }
            // answers to the copy's writes are a few dozen bytes each; one read would be a megabyte
            assertThat(rebuilding.bytesFromPool() - served).isLessThan(64 << 10);
            passesWhileRebuilding++;
        }
        assertThat(passesWhileRebuilding).as("passes over the volume while it rebuilt").isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> device.status().health() == VolumeStatus.Health.HEALTHY);
    }
}
