package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.VOLUME;
import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.block.BlockDeviceException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The volume grows while replicas join its write set, and while other growths run. */
class VolumeGrowthTest {

    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    private final List<DelayingProxy> slowPools = new ArrayList<>();

    @Test
    void aReplicaThatJoinsWhileTheOthersGrowIsGrownToo() throws Exception {
        ReplicatedBlockDevice device = openOnTwoPoolsAnsweringASecondLate(); // a growth is under way for a second

        CompletableFuture<Void> growth = device.resize(2 * SIZE);
        device.addReplica(volume.endpoint(2));
        growth.get(30, TimeUnit.SECONDS);
        slowPools.forEach(pool -> pool.delay(Duration.ZERO));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(device.status().replicas().get(2).mode()).isEqualTo(MemberMode.HEALTHY);
            assertThat(volume.pool(2).pool().replica(VOLUME).size()).isEqualTo(2 * SIZE);
        });
        byte[] beyondTheOldEnd = pattern(4096, 1);
        write(device, 2 * SIZE - beyondTheOldEnd.length, beyondTheOldEnd);
        assertThat(device.status().replicas()).allSatisfy(replica ->
                assertThat(replica.mode()).isEqualTo(MemberMode.HEALTHY));
    }

    @Test
    void aSmallerSizeAskedForWhileALargerGrowthRunsIsRefusedAsAShrink() throws Exception {
        ReplicatedBlockDevice device = openOnTwoPoolsAnsweringASecondLate();

        CompletableFuture<Void> larger = device.resize(3 * SIZE);
        CompletableFuture<Void> smaller = device.resize(2 * SIZE);

        larger.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> smaller.get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(BlockDeviceException.InvalidSize.class);
        assertThat(device.size()).isEqualTo(3 * SIZE);
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);
    }

    @Test
    void aReturningReplicaGrownToTheSizeItFoundIsGrownAgainWhenTheVolumeGrewMeanwhile() throws Exception {
        WriteHoldingProxy returning = volume.writeHoldingProxy(2);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), volume.endpoint(1),
                returning.endpoint(VOLUME)), ReplicationSettings.defaults(2));
        volume.pool(2).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        device.resize(2 * SIZE).get(30, TimeUnit.SECONDS);
        returning.holdResizes();
        volume.pool(2).start();
        await().atMost(WAIT).until(() -> returning.held() == 1); // it is being grown to twice the size

        device.resize(3 * SIZE).get(30, TimeUnit.SECONDS);
        returning.passHeld();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(device.status().replicas().get(2).mode()).isEqualTo(MemberMode.HEALTHY);
            assertThat(volume.pool(2).pool().replica(VOLUME).size()).isEqualTo(3 * SIZE);
        });
    }

    /** Opens the volume on pools 0 and 1, which from then on get every request a second late. */
    private ReplicatedBlockDevice openOnTwoPoolsAnsweringASecondLate() throws Exception {
        slowPools.add(volume.proxy(0));
        slowPools.add(volume.proxy(1));
        ReplicatedBlockDevice device = volume.open(slowPools.stream().map(pool -> pool.endpoint(VOLUME)).toList(),
                ReplicationSettings.defaults(2));
        slowPools.forEach(pool -> pool.delay(Duration.ofSeconds(1)));
        return device;
    }
}
