package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The bookkeeping of writes waiting for the quorum, with the time given in nanoseconds. */
class QuorumWaitTest {

    private static final long WAIT = 1_000;

    private final QuorumWait quorumWait = new QuorumWait(WAIT);

    @Test
    void theWaitCountsFromTheFirstWriteThatFoundTheQuorumGone() {
        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, 100)).isEqualTo(1_100);

        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, 700)).as("a later write waits what is left")
                .isEqualTo(1_100);
    }

    @Test
    void aWriteThatWaitedBeforeKeepsItsDeadline() {
        quorumWait.deadline(QuorumWait.NOT_WAITED, 100);

        assertThat(quorumWait.deadline(50, 900)).isEqualTo(50);
    }

    @Test
    void anAcknowledgedWriteStartsTheNextWaitAfresh() {
        quorumWait.deadline(QuorumWait.NOT_WAITED, 100);

        quorumWait.recovered();

        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, 5_000)).isEqualTo(6_000);
    }

    @Test
    void aWritePastItsDeadlineIsNotHeld() {
        assertThat(quorumWait.hold(held(1_100), 1_100)).isFalse();
        assertThat(quorumWait.release()).isEmpty();
    }

    @Test
    void releaseHandsOverEveryHeldWriteOnce() {
        QuorumWait.Held first = held(1_100);
        QuorumWait.Held second = held(1_200);
        quorumWait.hold(first, 100);
        quorumWait.hold(second, 150);

        assertThat(quorumWait.release()).containsExactly(first, second);
        assertThat(quorumWait.release()).isEmpty();
    }

    @Test
    void onlyWritesWhoseDeadlineHasPassedExpire() {
        QuorumWait.Held early = held(1_100);
        QuorumWait.Held late = held(1_500);
        quorumWait.hold(early, 100);
        quorumWait.hold(late, 500);

        assertThat(quorumWait.expired(1_100)).containsExactly(early);
        assertThat(quorumWait.release()).containsExactly(late);
    }

    private static QuorumWait.Held held(long deadline) {
        return new QuorumWait.Held(next -> { }, deadline, new CompletableFuture<>());
    }
}
