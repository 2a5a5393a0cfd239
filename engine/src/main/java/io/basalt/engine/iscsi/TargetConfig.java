package io.basalt.engine.iscsi;

import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.text.TargetLimits;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How one iSCSI target presents itself.
 *
 * @param targetName the target's IQN
 * @param advertisedPortal the {@code host:port} that SendTargets answers with, or {@code null} for
 *     the address each initiator connected to
 * @param chap what initiators must prove at login, or {@code null} for no authentication
 * @param mutualChap what the target proves when an initiator asks for mutual CHAP, or {@code null}
 * @param allowedInitiators the initiator names that may log in; empty lets everyone in
 * @param limits the target's side of parameter negotiation
 * @param nopInterval how long a connection may be silent before the target pings it
 * @param nopTimeout how long the target waits for the answer to its ping before dropping the connection
 * @param commandWindow how many commands an initiator may have queued (MaxCmdSN - ExpCmdSN + 1)
 */
public record TargetConfig(
        String targetName,
        String advertisedPortal,
        ChapCredentials chap,
        ChapCredentials mutualChap,
        Set<String> allowedInitiators,
        TargetLimits limits,
        Duration nopInterval,
        Duration nopTimeout,
        int commandWindow) {

    /** The only portal group this target has. */
    public static final int PORTAL_GROUP_TAG = 1;

    public TargetConfig {
        Objects.requireNonNull(targetName, "targetName");
        allowedInitiators = Set.copyOf(allowedInitiators);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(nopInterval, "nopInterval");
        Objects.requireNonNull(nopTimeout, "nopTimeout");
        if (mutualChap != null && chap == null) {
            throw new IllegalArgumentException("mutual CHAP needs CHAP");
        }
        if (commandWindow < 1) {
            throw new IllegalArgumentException("commandWindow must be positive");
        }
    }

    public boolean allows(String initiatorName) {
        return allowedInitiators.isEmpty() || allowedInitiators.contains(initiatorName);
    }

    /** The SCSI target port name (RFC 7143 10.1.1, SAM-5 transport identifiers). */
    public String targetPortName() {
        return targetName + ",t,0x" + String.format("%04x", PORTAL_GROUP_TAG);
    }
}
