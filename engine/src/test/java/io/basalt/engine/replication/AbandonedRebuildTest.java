package io.basalt.engine.replication;

import static io.basalt.engine.replication.LoopbackVolume.pattern;
import static io.basalt.engine.replication.LoopbackVolume.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A rebuild given up, as when its replica's pool restarts, copies nothing more. */
class AbandonedRebuildTest {

    private static final int WINDOWS = 4;
    private static final long SIZE = WINDOWS * Rebuild.WINDOW_BYTES;
    /** A window a second: the windows of a rebuild wait their turn long after it started. */
    private static final long RATE = Rebuild.WINDOW_BYTES;

    @RegisterExtension
    final LoopbackVolume volume = new LoopbackVolume(2, SIZE);

    @Test
    void theWindowsAnAbandonedRebuildHadYetToStartAreNotCopiedBesidesThoseOfTheRebuildAfterIt() throws Exception {
        // given a volume full of data, read through a proxy that counts what the source sends
        DelayingProxy source = volume.proxy(0);
        ReplicatedBlockDevice device = volume.open(List.of(source.endpoint(LoopbackVolume.VOLUME)),
                ReplicationSettings.defaults(1).withRebuildBytesPerSecond(RATE));
        write(device, 0, pattern((int) SIZE, 1));
        long sentBefore = source.bytesFromPool();

        // when a replica starts its rebuild, and its pool restarts while the rebuild's first window is copied
        device.addReplica(volume.endpoint(1));
        volume.pool(1).stop();
        volume.pool(1).start();

        // then, once it is rebuilt, the source sent about the volume once for the rebuild that finished, and at
        // most the first window of the one given up
        await().atMost(Duration.ofSeconds(60)).until(() ->
                device.status().replicas().get(1).mode() == MemberMode.HEALTHY);
        assertThat(source.bytesFromPool() - sentBefore).isLessThan(SIZE + Rebuild.WINDOW_BYTES + (1L << 20));
    }
}
