package io.basalt.engine.iscsi.session;

import io.basalt.engine.iscsi.login.LoginException;
import io.basalt.engine.iscsi.login.LoginStatus;
import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.scsi.Nexus;
import io.basalt.engine.scsi.ScsiTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target's sessions: assigns TSIHs, reinstates a session when its initiator logs in again with
 * the same ISID (RFC 7143 6.3.5), and tells the SCSI target about nexuses coming and going.
 * Shared by every event loop, so its methods are synchronized; none of them blocks.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final ScsiTarget target;
    private final String targetPortName;
    private final Map<SessionKey, Session> byKey = new HashMap<>();
    private final Map<Integer, Session> byTsih = new HashMap<>();
    private int lastTsih;

    public SessionRegistry(ScsiTarget target, String targetPortName) {
        this.target = target;
        this.targetPortName = targetPortName;
    }

    /**
     * Admits a session at the end of a successful login. {@code requestedTsih} 0 starts a new
     * session, replacing any with the same key; otherwise it names the session whose connection the
     * login reinstates.
     */
    public Session admit(SessionKey key, int requestedTsih, int connectionId, SessionType type,
            OperationalParameters parameters, Runnable closer) throws LoginException {
        Session replaced;
        Session admitted;
        synchronized (this) {
            int tsih;
            if (requestedTsih == 0) {
                replaced = byKey.get(key);
                tsih = nextFreeTsih();
            } else {
                replaced = byTsih.get(requestedTsih);
                if (replaced == null || !replaced.key().equals(key)) {
                    throw new LoginException(LoginStatus.SESSION_DOES_NOT_EXIST, "no session with TSIH " + requestedTsih);
                }
                if (replaced.connectionId() != connectionId) {
                    throw new LoginException(LoginStatus.TOO_MANY_CONNECTIONS, "MaxConnections is 1");
                }
                tsih = requestedTsih;
            }
            if (replaced != null) {
                forget(replaced);
                end(replaced);
            }
            Nexus nexus = type == SessionType.NORMAL ? new Nexus(key.initiatorPortName(), targetPortName) : null;
            admitted = new Session(key, tsih, connectionId, type, parameters, nexus, closer);
            byKey.put(key, admitted);
            byTsih.put(tsih, admitted);
            if (nexus != null) {
                target.nexusAdded(nexus);
            }
        }
        if (replaced != null) {
            LOG.info("reinstating session {}", replaced);
            replaced.close();
        }
        return admitted;
    }

    /** The session's connection is gone. */
    public synchronized void remove(Session session) {
        if (byTsih.get(session.tsih()) == session) {
            forget(session);
        }
        end(session);
    }

    /** Drops every session's connection, for shutdown. */
    public void closeAll() {
        List<Session> all;
        synchronized (this) {
            all = new ArrayList<>(byTsih.values());
        }
        all.forEach(Session::close);
    }

    /** The sessions logged in now, in TSIH order. */
    public synchronized List<Session> sessions() {
        return byTsih.values().stream().sorted(Comparator.comparingInt(Session::tsih)).toList();
    }

    public synchronized int size() {
        return byTsih.size();
    }

    private void forget(Session session) {
        byTsih.remove(session.tsih());
        byKey.remove(session.key(), session);
    }

    /**
     * Tells the SCSI target that the session's nexus is gone, under this object's lock as it is told
     * of new ones: the end of an old session of the same nexus, told after the new one began, would
     * drop the new session's unit attentions and reservation state.
     */
    private void end(Session session) {
        if (session.end() && session.nexus() != null) {
            target.nexusRemoved(session.nexus());
        }
    }

    private int nextFreeTsih() {
        do {
            lastTsih = (lastTsih % 0xffff) + 1;
        } while (byTsih.containsKey(lastTsih));
        return lastTsih;
    }
}
