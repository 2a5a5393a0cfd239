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

/**
 * Where reads go: spread over the healthy replicas, sparing one much slower than the others, never
 * to one that is still rebuilding.
 */
class ReplicatedReadsTest {

    private static final long SIZE = 16L << 20;
    private static final int READ_BYTES = 64 << 10;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    private final List<DelayingProxy> proxies = new ArrayList<>();
    private final byte[] data = pattern(READ_BYTES, 1);

    @Test
    void readsAreSpreadOverEveryHealthyReplica() throws Exception {
        ReplicatedBlockDevice device = openThroughProxies();
        // on a busy machine a replica's first answers can be slow enough for reads to spare it a while
        await().atMost(Duration.ofSeconds(30)).until(() -> device.status().replicas().stream()
                .noneMatch(VolumeStatus.Replica::readsSpared));
        long[] before = proxies.stream().mapToLong(DelayingProxy::bytesFromPool).toArray();

        readOneAfterAnother(device, 60);

        for (int i = 0; i < 3; i++) {
            assertThat(proxies.get(i).bytesFromPool() - before[i]).as("bytes read from replica %d", i)
                    .isGreaterThanOrEqualTo(60L * READ_BYTES / 4);
        }
    }

    @Test
    void aReplicaMuchSlowerThanTheOthersIsSparedReads() throws Exception {
        ReplicatedBlockDevice device = openThroughProxies();
        DelayingProxy slow = proxies.get(2);
        slow.delay(Duration.ofMillis(100));
        long before = slow.bytesFromPool();

        readOneAfterAnother(device, 60);

        assertThat(slow.bytesFromPool() - before).as("bytes read from the slow replica (a read is %d)", READ_BYTES)
                .isLessThan(4L * READ_BYTES);
    }

    @Test
    void theStatusSaysWhichReplicaReadsSpare() throws Exception {
        ReplicatedBlockDevice device = openThroughProxies();
        proxies.get(2).delay(Duration.ofMillis(100));

        readOneAfterAnother(device, 30);

        assertThat(device.status().replicas()).extracting(VolumeStatus.Replica::readsSpared)
                .containsExactly(false, false, true);
        assertThat(device.status().replicas().get(2).responseMillis()).isGreaterThan(10);
        assertThat(device.status().reason()).contains("reads spare " + proxies.get(2).endpoint(LoopbackVolume.VOLUME));
    }

    @Test
    void aSlowReplicaIsReadFromAgainOnceItIsFastAgain() throws Exception {
        ReplicatedBlockDevice device = openThroughProxies();
        DelayingProxy slow = proxies.get(2);
        slow.delay(Duration.ofMillis(100));
        readOneAfterAnother(device, 30);

        slow.delay(Duration.ZERO);
        long before = slow.bytesFromPool();

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            readOneAfterAnother(device, 10);
            return slow.bytesFromPool() - before >= READ_BYTES;
        });
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

    /** Opens the volume on the three pools, each reached through a proxy, and writes {@link #data} at 0. */
    private ReplicatedBlockDevice openThroughProxies() throws Exception {
        for (int i = 0; i < 3; i++) {
            proxies.add(volume.proxy(i));
        }
        ReplicatedBlockDevice device = volume.open(proxies.stream().map(p -> p.endpoint(LoopbackVolume.VOLUME))
                .toList(), ReplicationSettings.defaults(2));
        write(device, 0, data);
        return device;
    }

    private void readOneAfterAnother(ReplicatedBlockDevice device, int reads) throws Exception {
        for (int i = 0; i < reads; i++) {
            assertThat(read(device, 0, READ_BYTES)).isEqualTo(data);
        }
    }
}
