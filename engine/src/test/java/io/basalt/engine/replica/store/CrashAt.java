package io.basalt.engine.replica.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A metadata step hook that simulates a crash: it throws at the {@code n}-th time (counting from 1)
 * a step {@code step} is reached for a file whose name starts with {@code filePrefix}, and never
 * again after that.
 */
final class CrashAt implements MetadataWriter.StepHook {

    static final class SimulatedCrash extends IOException {
        SimulatedCrash(MetadataWriter.Step step, Path target) {
            super("simulated crash at " + step + " of " + target);
        }
    }

    private final MetadataWriter.Step step;
    private final String filePrefix;
    private int remaining;

    CrashAt(MetadataWriter.Step step, String filePrefix, int n) {
        this.step = step;
        this.filePrefix = filePrefix;
        this.remaining = n;
    }

    /** Crashes at any metadata step, the {@code n}-th one reached. */
    static CrashAt anyStep(int n) {
        return new CrashAt(null, "", n);
    }

    @Override
    public synchronized void reached(MetadataWriter.Step reached, Path target) throws IOException {
        if ((step == null || step == reached) && target.getFileName().toString().startsWith(filePrefix)
                && remaining > 0 && --remaining == 0) {
            throw new SimulatedCrash(reached, target);
        }
    }

    synchronized boolean fired() {
        return remaining == 0;
    }
}
