package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.replica.protocol.Message.Extent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a copy tells data from zeros in what it reads from its source. */
class SparseRunsTest {

    private static final int BLOCK = 4096;

    @Test
    void wholeBlocksOfZerosBetweenDataAreARunOfZeros() {
        ByteBuf span = Unpooled.directBuffer(4 * BLOCK).writeZero(4 * BLOCK);
        span.setByte(10, 1);
        span.setByte(4 * BLOCK - 1, 2);

        List<Extent> runs = SparseRuns.of(8 * BLOCK, span);

        assertThat(runs).containsExactly(new Extent(8 * BLOCK, BLOCK, true),
                new Extent(9 * BLOCK, 2 * BLOCK, false), new Extent(11 * BLOCK, BLOCK, true));
    }

    @Test
    void partsOfBlocksAtEitherEndCountAsDataEvenWhenZero() {
        ByteBuf span = Unpooled.directBuffer(3 * BLOCK).writeZero(3 * BLOCK);

        List<Extent> runs = SparseRuns.of(BLOCK / 2, span);

        assertThat(runs).containsExactly(new Extent(BLOCK / 2, BLOCK / 2, true),
                new Extent(BLOCK, 2 * BLOCK, false), new Extent(3 * BLOCK, BLOCK / 2, true));
    }

    @Test
    void dataWithoutAZeroBlockIsOneRun() {
        ByteBuf span = Unpooled.directBuffer(3 * BLOCK).writeZero(3 * BLOCK);
        for (int block = 0; block < 3; block++) {
            span.setByte(block * BLOCK + BLOCK - 1, 7);
        }

        assertThat(SparseRuns.of(0, span)).containsExactly(new Extent(0, 3 * BLOCK, true));
    }

    @Test
    void rangesAddedEndToEndJoinWhenOfAKindAndNotAcrossAGap() {
        SparseRuns runs = new SparseRuns();

        runs.add(0, 10, false);
        runs.add(10, 20, false);
        runs.add(20, 30, true);
        runs.add(40, 50, true);

        assertThat(runs.toList()).containsExactly(new Extent(0, 20, false), new Extent(20, 10, true),
                new Extent(40, 10, true));
    }
}
