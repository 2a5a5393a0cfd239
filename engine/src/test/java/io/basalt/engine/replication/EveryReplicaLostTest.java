package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.bytes;
import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.read;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.replica.store.EpochQuorum;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A volume that lost every healthy replica while it served (as when the last healthy ones fail
 * while the others rebuild) has nothing to rebuild the returning ones from: it opens again as at
 * start-up, trusting the replicas of the newest epoch.
 */
class EveryReplicaLostTest {

    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void whenThePoolsReturnTheVolumeOpensAgainWithItsDataAndTakesWrites() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        byte[] before = pattern(64 << 10, 1);
        write(device, 0, before);
        for (int pool = 0; pool < 3; pool++) {
            volume.pool(pool).stop();
        }
        await().atMost(WAIT).until(() -> device.status().replicas().stream()
                .allMatch(replica -> replica.mode() == MemberMode.OFFLINE));

        for (int pool = 0; pool < 3; pool++) {
            volume.pool(pool).start();
        }

        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.HEALTHY);
        assertThat(read(device, 0, before.length)).isEqualTo(before);
        byte[] after = pattern(64 << 10, 2);
        write(device, 1 << 20, after);
        assertThat(read(device, 1 << 20, after.length)).isEqualTo(after);
    }

    @Test
    void replicasThatAllLeftWithAWriteUnderWayOpenAgainAndTheWriteIsAcknowledged() throws Exception {
        List<DelayingProxy> proxies = List.of(volume.proxy(0), volume.proxy(1), volume.proxy(2));
        ReplicatedBlockDevice device = volume.open(proxies.stream()
                .map(proxy -> proxy.endpoint(LoopbackVolume.VOLUME)).toList(), ReplicationSettings.defaults(2)
                .withLagBounds(4096, Duration.ofMillis(500)));
        proxies.forEach(proxy -> proxy.delay(Duration.ofMinutes(5)));
        byte[] data = pattern(8192, 3);

        // every replica lags past the bound with the write under way, and leaves: each may lack it,
        // so none can be rebuilt from another
        CompletableFuture<Void> write = device.write(4096, Unpooled.wrappedBuffer(data), false);
        await().atMost(WAIT).until(() -> device.status().replicas().stream()
                .allMatch(replica -> replica.mode() == MemberMode.OFFLINE));
        proxies.forEach(proxy -> proxy.delay(Duration.ZERO));

        write.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.HEALTHY);
        assertThat(read(device, 4096, data.length)).isEqualTo(data);
    }

    @Test
    void aReplicaThatWasRebuildingWhenTheOthersLeftRebuildsAgainOnceTheyReturn() throws Exception {
        // the rebuild's second window starts 4 s after its first
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(2)
                .withRebuildBytesPerSecond(2L << 20));
        byte[] written = pattern(64 << 10, 5);
        write(device, 0, written);
        device.addReplica(volume.endpoint(2));
        await().atMost(WAIT).until(() -> {
            RebuildProgress rebuild = device.status().replicas().get(2).rebuild();
            return rebuild != null && rebuild.copiedBytes() >= Rebuild.WINDOW_BYTES;
        });

        volume.pool(0).stop();
        volume.pool(1).stop();
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);
        volume.pool(0).start();
        volume.pool(1).start();

        await().atMost(Duration.ofSeconds(60)).until(() -> device.status().health() == VolumeStatus.Health.HEALTHY);
        assertThat(volume.content(2)).isEqualTo(volume.content(0));
    }

    @Test
    void aReplicaOlderThanTheEpochTheVolumeLastPersistedIsNotTrustedWhenItAloneReturns() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(3);
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        byte[] missedByPoolTwo = pattern(64 << 10, 4);
        write(device, 0, missedByPoolTwo);
        volume.pool(0).stop();
        volume.pool(1).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().stream()
                .allMatch(replica -> replica.mode() == MemberMode.OFFLINE));
        // as if pool 2 had once been the only replica of its epoch: its epoch alone would then be enough
        try (ReplicaPool stopped = ReplicaPool.open(volume.pool(2).dir())) {
            stopped.replica(LoopbackVolume.VOLUME).setEpoch(1, new EpochQuorum(1, 2));
        }

        volume.pool(2).start();

        await().during(Duration.ofSeconds(2)).atMost(WAIT)
                .until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);
        assertThat(device.status().reason()).contains("the newest the volume persisted");
        CompletableFuture<ByteBuf> readMeanwhile = device.read(0, missedByPoolTwo.length);
        volume.pool(0).start();
        volume.pool(1).start();
        await().atMost(WAIT).until(() -> device.status().health() != VolumeStatus.Health.OFFLINE);
        assertThat(bytes(readMeanwhile)).as("a read made while the stale replica alone was back").isEqualTo(missedByPoolTwo);
        assertThat(read(device, 0, missedByPoolTwo.length)).isEqualTo(missedByPoolTwo);
    }
}
