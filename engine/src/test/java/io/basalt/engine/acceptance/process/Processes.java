package io.basalt.engine.acceptance.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping processes the tests started: politely first, then by force, descendants included. */
public final class Processes {

    private Processes() {
    }

    /** Sends SIGTERM to the process and waits up to {@code grace}; then kills it and its descendants. */
    public static void terminate(Process process, Duration grace) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                descendants.forEach(ProcessHandle::destroyForcibly);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killTree(process.toHandle(), grace);
    }

    /** Kills a process and every descendant with SIGKILL and waits for the process to be gone. */
    public static void killTree(ProcessHandle root, Duration wait) {
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
        try {
            root.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Still gone from our point of view: a SIGKILLed process cannot refuse to die.
        }
    }
}
