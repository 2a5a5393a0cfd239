package io.basalt.engine.scsi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RangeLocksTest {

    private final RangeLocks locks = new RangeLocks();

    @Test
    void sharedLocksOnTheSameBlocksAreGrantedTogether() {
        assertThat(locks.acquireShared(0, 8)).isDone();
        assertThat(locks.acquireShared(0, 8)).isDone();
    }

    @Test
    void anExclusiveLockWaitsForOverlappingSharedOnes() {
        RangeLocks.Lease write = locks.acquireShared(0, 8).join();

        CompletableFuture<RangeLocks.Lease> compare = locks.acquireExclusive(4, 1);

        assertThat(compare).isNotDone();
        write.release();
        assertThat(compare).isDone();
    }

    @Test
    void writesArrivingBehindAWaitingExclusiveLockWaitToo() {
        RangeLocks.Lease first = locks.acquireShared(0, 8).join();
        CompletableFuture<RangeLocks.Lease> compare = locks.acquireExclusive(0, 8);

        CompletableFuture<RangeLocks.Lease> later = locks.acquireShared(0, 1);

        assertThat(later).isNotDone();
        first.release();
        assertThat(compare).isDone();
        assertThat(later).isNotDone();
        compare.join().release();
        assertThat(later).isDone();
    }

    @Test
    void disjointRangesNeverWait() {
        locks.acquireExclusive(0, 8).join();

        assertThat(locks.acquireExclusive(8, 8)).isDone();
        assertThat(locks.acquireShared(16, 1)).isDone();
    }
}
