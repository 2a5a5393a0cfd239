package io.basalt.driver.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the driver takes new work: true once every service is registered and serving, false
 * again as soon as shutdown begins, so that probes stop routing work to a draining process.
 */
public final class Readiness {

    private final AtomicBoolean ready = new AtomicBoolean();

    public boolean isReady() {
        return ready.get();
    }

    void serving() {
        ready.set(true);
    }

    void draining() {
        ready.set(false);
    }
}
