package io.basalt.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class UnflushedChangesTest {

    private final UnflushedChanges unflushed = new UnflushedChanges();

    @Test
    void beforeAnyFlushEveryChangeIsUnflushed() {
        unflushed.changed(3, 4);

        assertThat(unflushed.changedSince(0)).isEqualTo(RoaringBitmap.bitmapOf(3, 4));
    }

    @Test
    void aReplicaThatMadeAFlushDurableMayLackOnlyWhatChangedAfterItWasSent() {
        unflushed.changed(1, 1);
        long flush = unflushed.flushSent();
        unflushed.changed(7, 7);

        assertThat(unflushed.changedSince(flush)).isEqualTo(RoaringBitmap.bitmapOf(7));
    }

    @Test
    void aReplicaBehindOnFlushesMayLackTheChangesAfterEachFlushItDidNotMake() {
        long first = unflushed.flushSent();
        unflushed.changed(2, 2);
        unflushed.flushSent();
        unflushed.changed(5, 5);

        assertThat(unflushed.changedSince(first)).isEqualTo(RoaringBitmap.bitmapOf(2, 5));
    }

    @Test
    void changesEveryReplicaMadeDurableAreForgotten() {
        unflushed.changed(1, 1);
        long flush = unflushed.flushSent();
        unflushed.changed(9, 9);

        unflushed.durableEverywhere(flush);

        assertThat(unflushed.changedSince(0)).isEqualTo(RoaringBitmap.bitmapOf(9));
    }
}
