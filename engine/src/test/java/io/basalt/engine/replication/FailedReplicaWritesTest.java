package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.protocol.ErrorCode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A replica whose pool answers an acknowledged write with an error while its connection stays up. */
class FailedReplicaWritesTest {

    private static final long SIZE = 4L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void theWriteItFailedIsCopiedToItWhenItRejoins() throws Exception {
        WriteHoldingProxy failing = volume.writeHoldingProxy(0);
        ReplicatedBlockDevice device = volume.open(List.of(failing.endpoint(LoopbackVolume.VOLUME),
                volume.endpoint(1), volume.endpoint(2)), ReplicationSettings.defaults(2));
        write(device, 0, pattern(65536, 1));
        long epoch = device.status().epoch();
        failing.holdWrites();
        byte[] failed = pattern(65536, 2);
        write(device, 0, failed); // acknowledged by replicas 1 and 2
        Awaitility.await().atMost(TIMEOUT).until(() -> failing.held() == 1); // it may reach the proxy later

        failing.failHeld(ErrorCode.IO_ERROR, "no space left on device");

        // it leaves (one epoch), comes back and rebuilds (another)
        Awaitility.await().atMost(TIMEOUT).until(() -> device.status().epoch() >= epoch + 2
                && device.status().health() == VolumeStatus.Health.HEALTHY);
        assertThat(Arrays.copyOf(volume.content(0), 65536)).isEqualTo(failed);
    }

    @Test
    void itIsNotGivenTheEpochThatAChangeUnderWayPersists() throws Exception {
        WriteHoldingProxy failing = volume.writeHoldingProxy(1);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0),
                failing.endpoint(LoopbackVolume.VOLUME), volume.endpoint(2)), ReplicationSettings.defaults(2));
        write(device, 0, pattern(65536, 1));
        long epoch = device.status().epoch();
        failing.holdWrites();
        write(device, 0, pattern(65536, 2)); // acknowledged by replicas 0 and 2
        Awaitility.await().atMost(TIMEOUT).until(() -> failing.held() == 1);
        failing.refuseConnections(); // once replica 1 leaves, it stays away

        volume.pool(2).stop(); // replica 2 leaves: the epoch change waits for the write under way on replica 1
        Awaitility.await().atMost(TIMEOUT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE);
        failing.failHeld(ErrorCode.IO_ERROR, "no space left on device");

        Awaitility.await().atMost(TIMEOUT).until(() -> replicaEpoch(0) > epoch);
        Awaitility.await().atMost(TIMEOUT).until(() -> device.status().replicas().get(1).mode() == MemberMode.OFFLINE);
        assertThat(replicaEpoch(1)).isEqualTo(epoch);
    }

    private long replicaEpoch(int pool) throws Exception {
        return volume.pool(pool).pool().replica(LoopbackVolume.VOLUME).epoch();
    }
}
