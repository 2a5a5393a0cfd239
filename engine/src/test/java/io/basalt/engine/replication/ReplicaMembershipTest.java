package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.engine.replica.store.EpochQuorum;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Adding replicas to a volume that serves. */
class ReplicaMembershipTest {

    private static final long SIZE = 16L << 20;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void theSameReplicaAddedTwiceAtOnceBecomesOneMember() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2);
        DelayingProxy slowPool = volume.proxy(2);
        slowPool.delay(Duration.ofMillis(300)); // both requests are still connecting when the other starts
        ReplicaEndpoint added = slowPool.endpoint(LoopbackVolume.VOLUME);
        CyclicBarrier together = new CyclicBarrier(2);

        try (ExecutorService admins = Executors.newFixedThreadPool(2)) {
            Future<VolumeStatus.Replica> first = admins.submit(() -> addWhenBothReady(device, added, together));
            Future<VolumeStatus.Replica> second = admins.submit(() -> addWhenBothReady(device, added, together));
            first.get(30, TimeUnit.SECONDS);
            second.get(30, TimeUnit.SECONDS);
        }

        assertThat(device.status().replicas()).extracting(replica -> replica.endpoint().toString())
                .containsExactly(volume.endpoint(0).toString(), volume.endpoint(1).toString(), added.toString());
    }

    @Test
    void aReplicaOfANewerEpochThanTheVolumesIsRefusedAndNotKept() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2);
        volume.pool(2).pool().replica(LoopbackVolume.VOLUME).setEpoch(device.status().epoch() + 5,
                new EpochQuorum(1, 1)); // another target writes to it

        assertThatThrownBy(() -> device.addReplica(volume.endpoint(2)))
                .isInstanceOf(ReplicationRequestException.Refused.class)
                .hasMessageContaining("newer than the volume's");
        assertThat(device.status().replicas()).extracting(replica -> replica.endpoint().toString())
                .containsExactly(volume.endpoint(0).toString(), volume.endpoint(1).toString());
    }

    @Test
    void aReplicaLargerThanTheVolumeIsRefused() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2);
        volume.pool(2).pool().replica(LoopbackVolume.VOLUME).resize(2 * SIZE);

        assertThatThrownBy(() -> device.addReplica(volume.endpoint(2)))
                .isInstanceOf(ReplicationRequestException.Refused.class)
                .hasMessageContaining("has " + 2 * SIZE + " bytes; the volume has " + SIZE);
        assertThat(device.status().replicas()).hasSize(2);
    }

    private static VolumeStatus.Replica addWhenBothReady(ReplicatedBlockDevice device, ReplicaEndpoint replica,
            CyclicBarrier together) throws Exception {
        together.await(10, TimeUnit.SECONDS);
        return device.addReplica(replica);
    }
}
