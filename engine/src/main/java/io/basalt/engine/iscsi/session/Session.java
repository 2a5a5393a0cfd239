package io.basalt.engine.iscsi.session;

import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.scsi.Nexus;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A logged-in session. With MaxConnections 1 it has exactly one connection; {@code closer}
 * drops that connection.
 */
public final class Session {

    private final SessionKey key;
    private final int tsih;
    private final int connectionId;
    private final SessionType type;
    private final OperationalParameters parameters;
    private final Nexus nexus;
    private final Runnable closer;
    private final AtomicBoolean ended = new AtomicBoolean();

    Session(SessionKey key, int tsih, int connectionId, SessionType type, OperationalParameters parameters,
            Nexus nexus, Runnable closer) {
        this.key = key;
        this.tsih = tsih;
        this.connectionId = connectionId;
        this.type = type;
        this.parameters = parameters;
        this.nexus = nexus;
        this.closer = closer;
    }

    public SessionKey key() {
        return key;
    }

    public int tsih() {
        return tsih;
    }

    public int connectionId() {
        return connectionId;
    }

    public SessionType type() {
        return type;
    }

    public OperationalParameters parameters() {
        return parameters;
    }

    /** The I_T nexus of a normal session; {@code null} for discovery. */
    public Nexus nexus() {
        return nexus;
    }

    /** Marks the session ended; true only for the first caller, who then tells the SCSI target. */
    boolean end() {
        return ended.compareAndSet(false, true);
    }

    void close() {
        closer.run();
    }

    @Override
    public String toString() {
        return "Session[" + key.initiatorPortName() + ", tsih=" + tsih + ", " + type + "]";
    }
}
