package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.store.Replica;
import io.netty.channel.EventLoopGroup;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A copy whose requester went away (a target that gave up on the replica being rebuilt, which then
 * joins again and takes new writes) changes nothing more on the replica it was copying into.
 */
class AbandonedCopyTest {

    private static final int LENGTH = 1 << 20;
    private static final Duration SOURCE_DELAY = Duration.ofSeconds(1);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(2, 4L << 20);

    private final EventLoopGroup group = ReplicaClient.newEventLoopGroup(1);

    @AfterEach
    void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aCopyWhoseRequesterClosedItsConnectionDoesNotOverwriteALaterWrite() throws Exception {
        // given a source that answers slowly, and a copy from it the requester abandons at once
        volume.pool(0).pool().replica(LoopbackVolume.VOLUME).write(0, ByteBuffer.wrap(pattern(LENGTH, 1)), 1);
        DelayingProxy slowSource = volume.proxy(0);
        slowSource.delay(SOURCE_DELAY);
        ReplicaEndpoint source = slowSource.endpoint(LoopbackVolume.VOLUME);
        ReplicaClient requester = ReplicaClient.connect(group, volume.endpoint(1).socketAddress(),
                LoopbackVolume.VOLUME, LoopbackVolume.SECRET, ReplicaClient.Role.WRITER, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> copy = requester.copyFrom(0, LENGTH, source.socketAddress(), source.name(), 2, 0);
        requester.close();

        // when the replica then takes a newer write
        Replica destination = volume.pool(1).pool().replica(LoopbackVolume.VOLUME);
        byte[] newer = pattern(LENGTH, 2);
        destination.write(0, ByteBuffer.wrap(newer), 3);

        // then the abandoned copy never lands over it, once the source has had time to answer it
        await().during(SOURCE_DELAY.multipliedBy(4)).atMost(SOURCE_DELAY.multipliedBy(6)).until(() ->
                Arrays.mismatch(destination.read(0, LENGTH), newer) == -1);
        assertThat(copy).isCompletedExceptionally();
    }
}
