package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriterSessionsTest {

    private final WriterSessions writers = new WriterSessions();
    private final AtomicInteger closed = new AtomicInteger();

    @Test
    void theFirstWriterOfAReplicaIsReadyAtOnce() {
        assertThat(writers.bind("vol", connection())).isDone();
    }

    @Test
    void aNewerWriterIsReadyOnceTheOlderOnesCallUnderWayHasReturned() {
        CallsUnderWay older = connection();
        writers.bind("vol", older);
        assertThat(older.begin()).isTrue();

        CompletableFuture<Void> ready = writers.bind("vol", connection());
        assertThat(ready).isNotDone();

        older.end();
        assertThat(ready).isDone();
    }

    @Test
    void theOlderWritersConnectionIsClosedAndMakesNoFurtherCall() {
        CallsUnderWay older = connection();
        writers.bind("vol", older);

        writers.bind("vol", connection());

        assertThat(closed).hasValue(1);
        assertThat(older.superseded()).isTrue();
        assertThat(older.begin()).isFalse();
    }

    @Test
    void aWriterThatLeftBeforeItWasReadyStillMakesTheNextOneWaitForWhatItWaitedFor() {
        CallsUnderWay first = connection();
        writers.bind("vol", first);
        first.begin();
        writers.bind("vol", connection()); // gone again before it was welcomed

        CompletableFuture<Void> third = writers.bind("vol", connection());
        assertThat(third).isNotDone();

        first.end();
        assertThat(third).isDone();
    }

    @Test
    void writersOfDifferentReplicasDoNotWaitForEachOther() {
        CallsUnderWay busy = connection();
        writers.bind("vol-a", busy);
        busy.begin();

        assertThat(writers.bind("vol-b", connection())).isDone();
        assertThat(busy.superseded()).isFalse();
    }

    private CallsUnderWay connection() {
        return new CallsUnderWay(closed::incrementAndGet);
    }
}
