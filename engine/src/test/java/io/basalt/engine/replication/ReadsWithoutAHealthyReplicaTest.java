package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.bytes;
import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.block.BlockDeviceException;
import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads that find no healthy replica at all wait for the quorum as writes do, for a bounded time,
 * instead of failing at once: a file system whose metadata read fails may turn read-only.
 */
class ReadsWithoutAHealthyReplicaTest {

    private static final long SIZE = 16L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(2, SIZE);

    @Test
    void aReadWithNoHealthyReplicaWaitsAndIsAnsweredOnceThePoolsReturn() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2);
        byte[] data = pattern(8192, 1);
        write(device, 0, data);
        loseEveryReplica(device);

        CompletableFuture<ByteBuf> read = device.read(0, data.length);
        assertThat(read).isNotDone();
        volume.pool(0).start();
        volume.pool(1).start();

        assertThat(bytes(read)).isEqualTo(data);
    }

    @Test
    void aReadFailsAsUnavailableWhenNoReplicaReturnsInTime() throws Exception {
        ReplicatedBlockDevice device = volume.openOnPools(2, ReplicationSettings.defaults(2)
                .withQuorumWait(Duration.ofMillis(300)));
        loseEveryReplica(device);

        CompletableFuture<ByteBuf> read = device.read(0, 4096);

        assertThat(read).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                .havingCause().isInstanceOf(BlockDeviceException.Unavailable.class);
    }

    private void loseEveryReplica(ReplicatedBlockDevice device) throws Exception {
        volume.pool(0).stop();
        volume.pool(1).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().stream()
                .allMatch(replica -> replica.mode() == MemberMode.OFFLINE));
    }
}
