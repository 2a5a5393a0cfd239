package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.replica.protocol.ErrorCode;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rebuild reads a range only from a replica that holds every write made to it. */
class RebuildSourceChoiceTest {

    private static final long SIZE = 8L << 20;
    private static final int LENGTH = 65536;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(3, SIZE);

    @Test
    void aSourceThatFailsAWriteToTheRangeWhileTheCopyWaitsForItIsNotReadFrom() throws Exception {
        // given replicas 0 and 1, each holding back the writes sent to it, and a write under way on both
        WriteHoldingProxy first = volume.writeHoldingProxy(0);
        WriteHoldingProxy second = volume.writeHoldingProxy(1);
        ReplicatedBlockDevice device = volume.open(List.of(first.endpoint(LoopbackVolume.VOLUME),
                second.endpoint(LoopbackVolume.VOLUME)), ReplicationSettings.defaults(1));
        write(device, 0, pattern(LENGTH, 1));
        first.holdWrites();
        second.holdWrites();
        byte[] newer = pattern(LENGTH, 2);
        CompletableFuture<Void> written = device.write(0, Unpooled.wrappedBuffer(newer), false);
        await().atMost(TIMEOUT).until(() -> first.held() == 1 && second.held() == 1);
        // a replica added now copies the range once that write is over; replica 0 is its first choice
        device.addReplica(volume.endpoint(2));

        // when the write fails on replica 0 and succeeds on replica 1
        first.failHeld(ErrorCode.IO_ERROR, "no space left on device");
        second.passHeld();
        written.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        // then the new replica holds the write, not what replica 0 held before it
        await().atMost(TIMEOUT).until(() -> device.status().replicas().get(2).mode() == MemberMode.HEALTHY);
        assertThat(Arrays.mismatch(Arrays.copyOf(volume.content(2), LENGTH), newer)).as("first difference")
                .isEqualTo(-1);
    }
}
