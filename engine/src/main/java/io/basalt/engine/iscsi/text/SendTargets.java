package io.basalt.engine.iscsi.text;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.session.SessionType;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/** Answers SendTargets (RFC 7143 Appendix C) with this target and its advertised portal. */
public final class SendTargets {

    private final TargetConfig config;

    public SendTargets(TargetConfig config) {
        this.config = config;
    }

    /**
     * The answer to {@code SendTargets=value} from {@code initiatorName}: {@code All} or the
     * target's name list the target, and so does an empty value in a normal session. Without a
     * configured portal, the address the initiator reached ({@code local}) is advertised.
     */
    public List<KeyValue> answer(String value, SessionType sessionType, String initiatorName, SocketAddress local) {
        boolean wanted = value.equals("All") || value.equals(config.targetName())
                || value.isEmpty() && sessionType == SessionType.NORMAL;
        if (!wanted || !config.allows(initiatorName)) {
            return List.of();
        }
        String portal = portal(local);
        if (portal == null) {
            return List.of(new KeyValue("TargetName", config.targetName()));
        }
        return List.of(new KeyValue("TargetName", config.targetName()),
                new KeyValue("TargetAddress", portal + "," + TargetConfig.PORTAL_GROUP_TAG));
    }

    private String portal(SocketAddress local) {
        if (config.advertisedPortal() != null) {
            return config.advertisedPortal();
        }
        if (!(local instanceof InetSocketAddress inet)) {
            return null;
        }
        String host = inet.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
}
