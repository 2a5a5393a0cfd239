package io.basalt.engine.acceptance.replicated;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.acceptance.initiator.RecordingWriter;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults one after another under a sustained write workload, each at a random moment: a pool, two
 * pools, the target, or the target and a pool killed with SIGKILL and started again after a random
 * pause, the next fault often coming while the volume still rebuilds from the last one. Afterwards
 * every acknowledged write reads back and the three replicas hold identical data. The series comes
 * from a seed, printed and named in every failure; {@code -Dbasalt.faults.seed=N} replays one.
 */
class RandomFaultsIT {

    private static final long SIZE = 64L << 20;
    private static final int REGION = 64 << 10;
    private static final String VOLUME = "vol-faults";
    private static final int FAULTS = 6;
    private static final int MAX_PAUSE_MILLIS = 3000;

    @RegisterExtension
    final ReplicatedClusterExtension fixture = ReplicatedClusterExtension.threePools();

    private final long seed = Long.getLong("basalt.faults.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final List<String> history = new ArrayList<>();
    private ReplicatedVolume volume;

    @Test
    void everyAcknowledgedWriteSurvivesASeriesOfRandomKillsAndTheReplicasEndIdentical() throws Exception {
        System.out.println("RandomFaultsIT seed " + seed);
        // Paced so that a rebuild is often still under way when the next fault comes.
        volume = fixture.cluster().healthyVolume(VOLUME, SIZE, List.of(0, 1, 2), List.of("--rebuild-rate", "16Mi"));
        RecordingWriter writer = fixture.writer(volume.url(), 0, REGION, (int) (SIZE / REGION), 32).start();
        try {
            writer.awaitAcknowledged(100);
            for (int i = 0; i < FAULTS; i++) {
                history.add(injectRandomFault());
                writer.awaitMoreAcknowledged(50 + random.nextInt(150));
            }
            writer.stop();

            assertThat(volume.awaitHealth(Health.HEALTHY).getReplicated().getReplicasList())
                    .allMatch(replica -> replica.getMode() == ReplicaMode.REPLICA_HEALTHY);
            // Writes cut off or refused by a fault leave their regions unchecked; most stay checked.
            assertThat(writer.certainRegions()).as("regions whose last write was acknowledged").isGreaterThanOrEqualTo(64);
            writer.verify(fixture.qemu(), volume.url());
            volume.stop();
            assertThat(List.of(fixture.cluster().checksum(VOLUME, 1), fixture.cluster().checksum(VOLUME, 2)))
                    .containsOnly(fixture.cluster().checksum(VOLUME, 0));
        } catch (Exception | AssertionError e) {
            throw new AssertionError("seed " + seed + ", faults: " + history + "; target log:\n" + volume.logTail(), e);
        }
    }

    private String injectRandomFault() throws Exception {
        return switch (random.nextInt(4)) {
            case 0 -> killOnePool();
            case 1 -> killTwoPools();
            case 2 -> killTarget();
            default -> killTargetAndOnePool();
        };
    }

    private String killOnePool() throws Exception {
        int pool = random.nextInt(3);
        fixture.cluster().pool(pool).killNine();
        long paused = pause();
        fixture.cluster().pool(pool).start();
        return "pool " + pool + " killed, back after " + paused + " ms";
    }

    /** Leaves fewer than CF replicas: writes fail until the pools return. */
    private String killTwoPools() throws Exception {
        int spared = random.nextInt(3);
        List<Integer> killed = List.of(0, 1, 2).stream().filter(pool -> pool != spared).toList();
        fixture.cluster().killNineTogether(killed);
        long paused = pause();
        fixture.cluster().startTogether(killed);
        return "pools " + killed + " killed, back after " + paused + " ms";
    }

    private String killTarget() throws Exception {
        volume.killNine();
        long paused = pause();
        volume.start();
        return "target killed, back after " + paused + " ms";
    }

    /** The target starts again while one replica is still away, which rejoins it later. */
    private String killTargetAndOnePool() throws Exception {
        int pool = random.nextInt(3);
        volume.killNine();
        fixture.cluster().pool(pool).killNine();
        volume.start();
        long paused = pause();
        fixture.cluster().pool(pool).start();
        return "target and pool " + pool + " killed, target back at once, pool after " + paused + " ms";
    }

    private long pause() throws InterruptedException {
        long millis = random.nextInt(MAX_PAUSE_MILLIS + 1);
        Thread.sleep(millis);
        return millis;
    }
}
