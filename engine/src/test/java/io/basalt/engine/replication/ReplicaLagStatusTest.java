package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The lag a replica's status reports: acknowledged writes that it has not acknowledged yet. */
class ReplicaLagStatusTest {

    private static final long SIZE = 16L << 20;
    private static final ReplicationSettings DEFAULTS = ReplicationSettings.defaults(2);
    /** Waits longer for answers than any test waits: the slow replica stays in the write set while it is looked at. */
    private static final ReplicationSettings PATIENT = new ReplicationSettings(2, Duration.ofMinutes(5),
            DEFAULTS.maxOutstanding(), Duration.ofMinutes(5), DEFAULTS.rebuildConcurrency(), 0, DEFAULTS.markInterval(),
            DEFAULTS.reconnectBackoff(), DEFAULTS.maxReconnectBackoff(), DEFAULTS.quorumWait());

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    private final List<CompletableFuture<ByteBuf>> reads = new ArrayList<>();

    @AfterEach
    void releaseReads() {
        reads.stream().filter(read -> read.isDone() && !read.isCompletedExceptionally())
                .forEach(read -> read.join().release());
    }

    @Test
    void flushesAndReadsUnderWayOnAHealthyReplicaAreNoLag() throws Exception {
        DelayingProxy slow = volume.proxy(2);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), volume.endpoint(1),
                slow.endpoint(LoopbackVolume.VOLUME)), PATIENT);
        write(device, 0, pattern(4096, 1));
        device.flush().join();
        slow.delay(Duration.ofMinutes(5));

        CompletableFuture<Void> flush = device.flush(); // waits for the slow replica: it is healthy
        for (int i = 0; i < 6; i++) {
            reads.add(device.read(0, 4096)); // some go to the slow replica
        }
        assertThat(flush).isNotDone();
        assertThat(device.status().replicas()).extracting(VolumeStatus.Replica::mode).containsOnly(MemberMode.HEALTHY);
        assertThat(device.status().replicas()).extracting(VolumeStatus.Replica::lag).containsOnly(0L);
    }

    @Test
    void writesTheOthersAcknowledgedAreTheLagOfAReplicaThatHasNotYet() throws Exception {
        DelayingProxy slow = volume.proxy(2);
        ReplicatedBlockDevice device = volume.open(List.of(volume.endpoint(0), volume.endpoint(1),
                slow.endpoint(LoopbackVolume.VOLUME)), PATIENT);
        slow.delay(Duration.ofMinutes(5));

        for (int i = 0; i < 5; i++) {
            write(device, i * 4096L, pattern(4096, i));
        }

        assertThat(device.status().replicas()).extracting(VolumeStatus.Replica::lag).containsExactly(0L, 0L, 5L);
    }
}
