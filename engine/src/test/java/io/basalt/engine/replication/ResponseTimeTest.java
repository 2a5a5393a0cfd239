package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResponseTimeTest {

    private static final long MS = 1_000_000;
    private static final long START = 5_000 * MS;

    private final ResponseTime responseTime = new ResponseTime();

    @Test
    void beforeAnyAnswerItIsZero() {
        assertThat(responseTime.at(START)).isZero();
    }

    @Test
    void eachAnswerMovesItATenthOfTheWayToItsOwnTime() {
        responseTime.answered(100 * MS, START);
        responseTime.answered(100 * MS, START);

        assertThat(responseTime.at(START)).isCloseTo(19.0 * MS, within(1.0));
    }

    @Test
    void withoutAnswersItHalvesEverySecond() {
        responseTime.answered(100 * MS, START);

        assertThat(responseTime.at(START + 1_000 * MS)).isCloseTo(5.0 * MS, within(1.0));
        assertThat(responseTime.at(START + 3_000 * MS)).isCloseTo(1.25 * MS, within(1.0));
    }

    @Test
    void anAnswerAfterAQuietSpellMovesFromTheDecayedTime() {
        responseTime.answered(100 * MS, START);

        responseTime.answered(0, START + 1_000 * MS);

        assertThat(responseTime.at(START + 1_000 * MS)).isCloseTo(4.5 * MS, within(1.0));
    }
}
