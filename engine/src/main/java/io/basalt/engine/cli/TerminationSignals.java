package io.basalt.engine.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** SIGTERM (how Kubernetes stops a pod) and SIGINT (Ctrl-C) both ask a serving command to stop cleanly. */
final class TerminationSignals {

    private TerminationSignals() {
    }

    /** A latch that opens on the first SIGTERM or SIGINT. */
    static CountDownLatch latch() {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        return stop;
    }
}
