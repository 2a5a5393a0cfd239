package io.basalt.engine.acceptance.targets;

import java.nio.file.Path;

/** Starts an iSCSI target serving a {@link TargetSpec} on a free loopback port. */
public interface TargetLauncher {

    /** Short name used in reports, e.g. "basalt" or "tgtd". */
    String name();

    /** Starts the target and returns once it accepts connections; its log goes under {@code workDir}. */
    RunningTarget start(TargetSpec spec, Path workDir);

    /**
     * The target the acceptance tests verify: Basalt's, unless the system property
     * {@code basalt.it.subject=tgtd} points the same tests at the reference target for comparison.
     */
    static TargetLauncher subject() {
        String subject = System.getProperty("basalt.it.subject", "basalt");
        return switch (subject) {
            case "basalt" -> BasaltTargetLauncher.fromSystemProperties();
            case "tgtd" -> new TgtdTargetLauncher();
            default -> throw new IllegalArgumentException("unknown basalt.it.subject '" + subject + "': use basalt or tgtd");
        };
    }
}
