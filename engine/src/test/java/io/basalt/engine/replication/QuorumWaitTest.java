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
        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, false, 100)).isEqualTo(1_100);

        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, false, 700)).as("a later write waits what is left")
                .isEqualTo(1_100);
    }

    @Test
    void aWriteThatWaitedBeforeKeepsItsDeadline() {
        quorumWait.deadline(QuorumWait.NOT_WAITED, false, 100);

        assertThat(quorumWait.deadline(50, false, 900)).isEqualTo(50);
    }

    @Test
    void theQuorumBackStartsTheNextWaitAfresh() {
        quorumWait.deadline(QuorumWait.NOT_WAITED, false, 100);

        quorumWait.recovered();

        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, false, 5_000)).isEqualTo(6_000);
    }

    @Test
    void aWriteWithoutTheQuorumIsHeld() {
        QuorumWait.Held write = held(1_100);

        assertThat(quorumWait.admit(write, false, 100)).isEqualTo(QuorumWait.Next.HELD);
        assertThat(quorumWait.release()).containsExactly(write);
    }

    @Test
    void aWriteWithTheQuorumGoesOutAgainAtOnce() {
        assertThat(quorumWait.admit(held(1_100), true, 100)).isEqualTo(QuorumWait.Next.DISPATCH_AGAIN);
        assertThat(quorumWait.release()).isEmpty();
    }

    @Test
    void aWriteSentAgainWhileTheVolumeHasItsQuorumWaitsFromNowIfItFindsItGoneLater() {
        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, true, 100)).isEqualTo(1_100);

        assertThat(quorumWait.deadline(QuorumWait.NOT_WAITED, false, 700)).as("the quorum was not lost at 100")
                .isEqualTo(1_700);
    }

    @Test
    void aWritePastItsDeadlineFailsEvenWithTheQuorum() {
        assertThat(quorumWait.admit(held(1_100), true, 1_100)).isEqualTo(QuorumWait.Next.FAIL);
        assertThat(quorumWait.admit(held(1_100), false, 1_100)).isEqualTo(QuorumWait.Next.FAIL);
        assertThat(quorumWait.release()).isEmpty();
    }

    @Test
    void onceClosedNothingMoreIsHeld() {
        QuorumWait.Held waiting = held(1_100);
        quorumWait.admit(waiting, false, 100);

        assertThat(quorumWait.close()).containsExactly(waiting);
        assertThat(quorumWait.admit(held(1_100), false, 200)).isEqualTo(QuorumWait.Next.FAIL);
    }

    @Test
    void releaseHandsOverEveryHeldWriteOnce() {
        QuorumWait.Held first = held(1_100);
        QuorumWait.Held second = held(1_200);
        quorumWait.admit(first, false, 100);
        quorumWait.admit(second, false, 150);

        assertThat(quorumWait.release()).containsExactly(first, second);
        assertThat(quorumWait.release()).isEmpty();
    }

    @Test
    void onlyWritesWhoseDeadlineHasPassedExpire() {
        QuorumWait.Held early = held(1_100);
        QuorumWait.Held late = held(1_500);
        quorumWait.admit(early, false, 100);
        quorumWait.admit(late, false, 500);

        assertThat(quorumWait.expired(1_100)).containsExactly(early);
        assertThat(quorumWait.release()).containsExactly(late);
    }

    private static QuorumWait.Held held(long deadline) {
        return new QuorumWait.Held(next -> { }, deadline, new CompletableFuture<>());
    }
}
