package io.basalt.engine.acceptance.replicated;

import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * What a volume's target said about one replica over time, polled every few milliseconds: each
 * status with a counter read at the same moment (e.g. writes acknowledged so far), so that a test
 * can show what happened while the replica was rebuilding.
 */
public final class ReplicaTrail implements AutoCloseable {

    /** One observation: the replica's status and the counter's value then. */
    public record Sample(ReplicaStatus replica, long counter) {
    }

    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ReplicatedVolume volume;
    private final String address;
    private final LongSupplier counter;
    private final Thread poller;
    private volatile boolean running = true;

    private ReplicaTrail(ReplicatedVolume volume, String address, LongSupplier counter) {
        this.volume = volume;
        this.address = address;
        this.counter = counter;
        poller = Thread.ofPlatform().daemon().name("replica-trail").start(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void sample() {
        try {
            long value = counter.getAsLong();
            samples.add(new Sample(volume.replica(address), value));
        } catch (RuntimeException | AssertionError unavailable) {
            // The target is (re)starting or the replica not yet listed: nothing to record.
        }
    }

    /** Starts following the replica whose pool listens on {@code address}. */
    public static ReplicaTrail follow(ReplicatedVolume volume, String address, LongSupplier counter) {
        return new ReplicaTrail(volume, address, counter);
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The modes in the order they were seen, repeats collapsed: e.g. [OFFLINE, REBUILDING, HEALTHY]. */
    public List<ReplicaMode> modes() {
        List<ReplicaMode> modes = new CopyOnWriteArrayList<>();
        for (Sample sample : samples) {
            if (modes.isEmpty() || modes.getLast() != sample.replica().getMode()) {
                modes.add(sample.replica().getMode());
            }
        }
        return modes;
    }

    public List<Sample> inMode(ReplicaMode mode) {
        return samples.stream().filter(sample -> sample.replica().getMode() == mode).toList();
    }

    /**
     * Stops following after one last sample, so that the trail ends with what the test saw last
     * (a poll may otherwise be between two samples when the test stops it).
     */
    @Override
    public void close() throws InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        poller.join();
        sample();
    }
}
