package io.basalt.driver.node;

import io.basalt.driver.exec.CommandException;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Attaches a volume's LUN to this host with open-iscsi, and detaches it again. */
public final class IscsiAttacher {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiAttacher.class);

    /**
     * How long I/O waits for a lost session to come back before failing: long enough to ride out a
     * target pod moving, short enough that applications see errors instead of hanging.
     */
    static final String REPLACEMENT_TIMEOUT_SECONDS = "120";
    /** NOP-Out pings find a dead connection within ten seconds. */
    static final String NOOP_INTERVAL_SECONDS = "5";
    static final String NOOP_TIMEOUT_SECONDS = "5";

    private final Iscsiadm iscsiadm;
    private final DeviceLinks devices;
    private final Duration deviceTimeout;

    public IscsiAttacher(Iscsiadm iscsiadm, DeviceLinks devices, Duration deviceTimeout) {
        this.iscsiadm = iscsiadm;
        this.devices = devices;
        this.deviceTimeout = deviceTimeout;
    }

    /**
     * Makes sure this host is logged in to {@code target} and returns the device of its LUN 0.
     * An existing session is reused as it is.
     */
    public Path attach(IscsiTarget target, Optional<ChapCredentials> chap) throws InterruptedException {
        if (!iscsiadm.hasSession(target)) {
            iscsiadm.createNode(target);
            // The driver decides when to log in, not iscsid at boot.
            iscsiadm.set(target, "node.startup", "manual");
            if (chap.isPresent()) {
                iscsiadm.set(target, "node.session.auth.authmethod", "CHAP");
                iscsiadm.set(target, "node.session.auth.username", chap.get().username());
                iscsiadm.setSecret(target, "node.session.auth.password", chap.get().password());
            } else {
                iscsiadm.set(target, "node.session.auth.authmethod", "None");
            }
            iscsiadm.set(target, "node.session.timeo.replacement_timeout", REPLACEMENT_TIMEOUT_SECONDS);
            iscsiadm.set(target, "node.conn[0].timeo.noop_out_interval", NOOP_INTERVAL_SECONDS);
            iscsiadm.set(target, "node.conn[0].timeo.noop_out_timeout", NOOP_TIMEOUT_SECONDS);
            try {
                iscsiadm.login(target);
            } catch (CommandException e) {
                throw Status.UNAVAILABLE.withDescription("cannot log in to " + target + ": " + e.getMessage())
                        .withCause(e).asRuntimeException();
            }
            LOG.atInfo().addKeyValue("iqn", target.iqn()).addKeyValue("portal", target.portal())
                    .log("logged in to {}", target);
        }
        return devices.await(target, deviceTimeout);
    }

    /** Logs out of {@code target} and forgets its node record; both are fine when already gone. */
    public void detach(IscsiTarget target) {
        iscsiadm.logout(target);
        iscsiadm.deleteNode(target);
        LOG.atInfo().addKeyValue("iqn", target.iqn()).addKeyValue("portal", target.portal())
                .log("logged out of {}", target);
    }
}
