package io.basalt.engine.iscsi.text;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.session.SessionType;
import java.util.List;

/** Answers SendTargets (RFC 7143 Appendix C) with this target and its advertised portal. */
public final class SendTargets {

    private final TargetConfig config;

    public SendTargets(TargetConfig config) {
        this.config = config;
    }

    /**
     * The answer to {@code SendTargets=value} from {@code initiatorName}: {@code All} or the
     * target's name list the target, and so does an empty value in a normal session.
     */
    public List<KeyValue> answer(String value, SessionType sessionType, String initiatorName) {
        boolean wanted = value.equals("All") || value.equals(config.targetName())
                || value.isEmpty() && sessionType == SessionType.NORMAL;
        if (!wanted || !config.allows(initiatorName)) {
            return List.of();
        }
        return List.of(new KeyValue("TargetName", config.targetName()),
                new KeyValue("TargetAddress", config.advertisedPortal() + "," + TargetConfig.PORTAL_GROUP_TAG));
    }
}
