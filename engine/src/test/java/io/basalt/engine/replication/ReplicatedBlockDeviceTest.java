package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.block.BlockDeviceException;
import io.basalt.engine.replica.client.ReplicaClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replicated device over three real pools on loopback. */
class ReplicatedBlockDeviceTest {

    private static final String VOLUME = "vol";
    private static final long SIZE = 16L << 20;
    private static final byte[] SECRET = "replicated-volume-secret".getBytes(StandardCharsets.UTF_8);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<LoopbackPool> pools = new ArrayList<>();
    private final List<ReplicatedBlockDevice> devices = new ArrayList<>();
    private final EventLoopGroup loop = ReplicaClient.newEventLoopGroup(1);

    @BeforeEach
    void startPools() throws Exception {
        for (int i = 0; i < 3; i++) {
            pools.add(new LoopbackPool(dir.resolve("pool-" + i), VOLUME, SIZE, SECRET));
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        devices.forEach(ReplicatedBlockDevice::close);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        for (LoopbackPool pool : pools) {
            pool.close();
        }
    }

    @Test
    void aWriteReadsBackAndLandsOnEveryReplica() throws Exception {
        ReplicatedBlockDevice device = open();
        byte[] data = pattern(64 << 10, 1);

        device.write(4096, Unpooled.wrappedBuffer(data), false).get(30, TimeUnit.SECONDS);

        assertThat(read(device, 4096, data.length)).isEqualTo(data);
        for (LoopbackPool pool : pools) {
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(pool.pool().replica(VOLUME).read(4096, data.length)).isEqualTo(data));
        }
        assertThat(device.status().health()).isEqualTo(VolumeStatus.Health.HEALTHY);
    }

    @Test
    void aTransferLargerThanAFrameIsSplitAndReadsBack() throws Exception {
        ReplicatedBlockDevice device = open();
        byte[] data = pattern(3 << 20, 2);

        device.write(0, Unpooled.wrappedBuffer(data), true).get(30, TimeUnit.SECONDS);

        assertThat(read(device, 0, data.length)).isEqualTo(data);
    }

    @Test
    void overlappingWritesReachEveryReplicaInTheOrderIssued() throws Exception {
        ReplicatedBlockDevice device = open();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        byte[] last = null;
        for (int i = 0; i < 50; i++) {
            last = pattern(8192, 100 + i);
            writes.add(device.write(0, Unpooled.wrappedBuffer(last), false));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        device.flush().get(30, TimeUnit.SECONDS);

        for (LoopbackPool pool : pools) {
            assertThat(pool.pool().replica(VOLUME).read(0, 8192)).isEqualTo(last);
        }
    }

    @Test
    void withOnePoolDownWritesAreAcknowledgedAndTheVolumeIsDegraded() throws Exception {
        ReplicatedBlockDevice device = open();
        pools.get(2).stop();
        byte[] data = pattern(8192, 3);

        device.write(0, Unpooled.wrappedBuffer(data), false).get(30, TimeUnit.SECONDS);

        assertThat(read(device, 0, data.length)).isEqualTo(data);
        await().atMost(WAIT).untilAsserted(() -> {
            VolumeStatus status = device.status();
            assertThat(status.health()).isEqualTo(VolumeStatus.Health.DEGRADED);
            assertThat(status.replicas().get(2).mode()).isEqualTo(MemberMode.OFFLINE);
        });
    }

    @Test
    void aDegradedVolumeSaysWritesGoOnAndWhichReplicaIsAwayAndWhy() throws Exception {
        ReplicatedBlockDevice device = open();

        pools.get(2).stop();

        await().atMost(WAIT).untilAsserted(() -> assertThat(device.status().reason())
                .startsWith("2 of 3 replicas healthy, writes go on (CF 2): vol offline (")
                .doesNotContain("needs"));
    }

    @Test
    void aVolumeThatLostQuorumServesWritesAgainWhenAPoolReturns() throws Exception {
        ReplicatedBlockDevice device = open();
        pools.get(1).stop();
        pools.get(2).stop();
        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.OFFLINE);

        pools.get(1).start();

        await().atMost(WAIT).until(() -> device.status().health() != VolumeStatus.Health.OFFLINE);
        byte[] data = pattern(4096, 5);
        device.write(0, Unpooled.wrappedBuffer(data), false).get(30, TimeUnit.SECONDS);
        assertThat(read(device, 0, data.length)).isEqualTo(data);
    }

    @Test
    void aReturningReplicaCopiesOnlyWhatWasWrittenWhileAwayAndEndsIdentical() throws Exception {
        ReplicatedBlockDevice device = open();
        device.write(0, Unpooled.wrappedBuffer(pattern(1 << 20, 6)), false).get(30, TimeUnit.SECONDS);
        pools.get(2).stop();
        await().atMost(WAIT).until(() -> device.status().replicas().get(2).mode() == MemberMode.OFFLINE
                || writeOnce(device));
        device.write(8L << 20, Unpooled.wrappedBuffer(pattern(128 << 10, 7)), false).get(30, TimeUnit.SECONDS);

        pools.get(2).start();

        await().atMost(WAIT).until(() -> device.status().health() == VolumeStatus.Health.HEALTHY);
        device.flush().get(30, TimeUnit.SECONDS);
        long checksum = pools.get(0).pool().replica(VOLUME).checksum();
        for (LoopbackPool pool : pools) {
            assertThat(pool.pool().replica(VOLUME).checksum()).isEqualTo(checksum);
        }
    }

    @Test
    void aTargetRestartCopiesAWriteThatReachedOnlySomeReplicasToTheOthers() throws Exception {
        ReplicatedBlockDevice first = open();
        first.write(0, Unpooled.wrappedBuffer(pattern(4096, 8)), false).get(30, TimeUnit.SECONDS);
        first.flush().get(30, TimeUnit.SECONDS);
        long epoch = first.status().epoch();
        long sequence = first.status().sequence();
        first.close();
        devices.remove(first);
        byte[] inFlight = pattern(4096, 9);
        // a write the previous target sent that reached only the first replica before it died
        EventLoopGroup group = ReplicaClient.newEventLoopGroup(1);
        try (ReplicaClient client = ReplicaClient.connect(group, pools.get(0).endpoint(VOLUME).socketAddress(), VOLUME,
                SECRET, ReplicaClient.Role.WRITER, WAIT).get(30, TimeUnit.SECONDS)) {
            client.write(0, inFlight, sequence + 1, epoch, false).get(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }

        ReplicatedBlockDevice second = open();

        for (LoopbackPool pool : pools) {
            assertThat(pool.pool().replica(VOLUME).read(0, 4096)).isEqualTo(inFlight);
        }
        assertThat(read(second, 0, 4096)).isEqualTo(inFlight);
    }

    @Test
    void aSnapshotIsTakenOnEveryHealthyReplica() throws Exception {
        ReplicatedBlockDevice device = open();
        device.write(0, Unpooled.wrappedBuffer(pattern(4096, 10)), false).get(30, TimeUnit.SECONDS);

        ReplicatedBlockDevice.SnapshotTaken taken = device.snapshot("s1").get(30, TimeUnit.SECONDS);

        assertThat(taken.replicas()).hasSize(3);
        for (LoopbackPool pool : pools) {
            assertThat(pool.pool().replica(VOLUME).listSnapshots()).extracting(s -> s.name()).containsExactly("s1");
        }
    }

    @Test
    void growingResizesEveryReplicaThenTheDevice() throws Exception {
        ReplicatedBlockDevice device = open();

        device.resize(2 * SIZE).get(30, TimeUnit.SECONDS);

        assertThat(device.size()).isEqualTo(2 * SIZE);
        for (LoopbackPool pool : pools) {
            assertThat(pool.pool().replica(VOLUME).size()).isEqualTo(2 * SIZE);
        }
    }

    @Test
    void removingAReplicaBelowTheConsistencyFactorIsRefused() throws Exception {
        ReplicatedBlockDevice device = open();
        device.removeReplica(VOLUME, pools.get(2).endpoint(VOLUME).address());

        assertThatThrownBy(() -> device.removeReplica(VOLUME, pools.get(1).endpoint(VOLUME).address()))
                .isInstanceOf(ReplicationRequestException.Refused.class);
        assertThatThrownBy(() -> device.removeReplica(VOLUME, "127.0.0.1:1"))
                .isInstanceOf(ReplicationRequestException.NotAMember.class);
    }

    private boolean writeOnce(ReplicatedBlockDevice device) {
        device.write(0, Unpooled.wrappedBuffer(pattern(4096, 11)), false).join();
        return false;
    }

    private ReplicatedBlockDevice open() throws Exception {
        List<ReplicaEndpoint> endpoints = pools.stream().map(pool -> pool.endpoint(VOLUME)).toList();
        ReplicatedBlockDevice device = ReplicatedBlockDevice.open(VOLUME, endpoints, SECRET,
                ReplicationSettings.defaults(2), 512, loop);
        devices.add(device);
        device.ready().get(30, TimeUnit.SECONDS);
        return device;
    }

    private static byte[] read(ReplicatedBlockDevice device, long offset, int length) throws Exception {
        ByteBuf buffer = device.read(offset, length).get(30, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    private static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
