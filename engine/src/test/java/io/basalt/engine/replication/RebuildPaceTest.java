package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RebuildPaceTest {

    private static final long SECOND = 1_000_000_000L;
    private static final long START = 7 * SECOND;
    private static final long WINDOW = 8L << 20;

    @Test
    void withoutALimitNothingWaits() {
        RebuildPace pace = new RebuildPace(0);

        assertThat(pace.book(WINDOW, START)).isZero();
        assertThat(pace.book(WINDOW, START)).isZero();
    }

    @Test
    void windowsStartOneWindowsWorthOfTimeApart() {
        RebuildPace pace = new RebuildPace(WINDOW);

        assertThat(pace.book(WINDOW, START)).isZero();
        assertThat(pace.book(WINDOW, START)).isEqualTo(SECOND);
        assertThat(pace.book(WINDOW / 2, START)).isEqualTo(2 * SECOND);
        assertThat(pace.book(WINDOW, START)).isEqualTo(2 * SECOND + SECOND / 2);
    }

    @Test
    void twoRebuildsShareTheLimitRatherThanEachHavingIt() {
        RebuildPace pace = new RebuildPace(WINDOW);
        long[] firstRebuild = {pace.book(WINDOW, START), pace.book(WINDOW, START)};

        long secondRebuildsFirstWindow = pace.book(WINDOW, START);

        assertThat(firstRebuild).containsExactly(0, SECOND);
        assertThat(secondRebuildsFirstWindow).isEqualTo(2 * SECOND);
    }

    @Test
    void aQuietSpellIsNotSavedUpForABurst() {
        RebuildPace pace = new RebuildPace(WINDOW);
        pace.book(WINDOW, START);

        long later = START + 10 * SECOND;

        assertThat(pace.book(WINDOW, later)).isZero();
        assertThat(pace.book(WINDOW, later)).isEqualTo(SECOND);
    }

    @Test
    void aWindowBookedPartWayThroughTheGapWaitsOnlyForTheRest() {
        RebuildPace pace = new RebuildPace(WINDOW);
        pace.book(WINDOW, START);

        assertThat(pace.book(WINDOW, START + SECOND / 4)).isEqualTo(3 * SECOND / 4);
    }
}
