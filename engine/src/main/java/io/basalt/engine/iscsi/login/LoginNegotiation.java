package io.basalt.engine.iscsi.login;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.pdu.LoginRequestPdu;
import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.session.Session;
import io.basalt.engine.iscsi.session.SessionKey;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.iscsi.session.SessionType;
import io.basalt.engine.iscsi.text.KeyValue;
import io.basalt.engine.iscsi.text.KeyValueCodec;
import io.basalt.engine.iscsi.text.OperationalNegotiator;
import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.iscsi.text.TextFormatException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The target's side of one connection's login phase (RFC 7143 6): stage transitions, security
 * negotiation (None or CHAP), operational negotiation and admission of the session.
 * One instance per connection, used from its event loop only.
 */
public final class LoginNegotiation {

    public static final int SECURITY = 0;
    public static final int OPERATIONAL = 1;
    public static final int FULL_FEATURE = 3;
    /** The most login text gathered over continued requests. */
    static final int MAX_LOGIN_TEXT = 64 * 1024;

    private final TargetConfig config;
    private final SessionRegistry registry;
    private final ByteBufAllocator alloc;
    private final Runnable closer;
    private final OperationalNegotiator negotiator;
    private final OperationalParameters parameters = new OperationalParameters();
    private final Set<String> negotiatedKeys = new HashSet<>();
    private CompositeByteBuf continued;
    private boolean started;
    private long isid;
    private int requestedTsih;
    private int connectionId;
    private int stage = -1;
    private String initiatorName;
    private SessionType type;
    private ChapAuthenticator chap;
    private boolean authenticated;
    private boolean declared;

    /** @param closer drops the connection; the admitted session keeps it to be reinstated later */
    public LoginNegotiation(TargetConfig config, SessionRegistry registry, ByteBufAllocator alloc, Runnable closer) {
        this.config = config;
        this.registry = registry;
        this.alloc = alloc;
        this.closer = closer;
        this.negotiator = new OperationalNegotiator(config.limits());
    }

    /** The initiator's name once the first request gave it, for logs. */
    public String initiatorName() {
        return initiatorName;
    }

    /** Handles one Login Request; the caller keeps ownership of {@code request}. */
    public LoginStep handle(LoginRequestPdu request) {
        try {
            return step(request);
        } catch (LoginException e) {
            release();
            LoginResponsePdu response = new LoginResponsePdu(request, request.tsih())
                    .stages(false, false, Math.max(stage, 0), 0)
                    .status(e.status().statusClass(), e.status().detail());
            return new LoginStep(response, null, e);
        }
    }

    /** Frees text held for a continued request that never finished. */
    public void release() {
        if (continued != null) {
            continued.release();
            continued = null;
        }
    }

    private LoginStep step(LoginRequestPdu request) throws LoginException {
        checkSameLogin(request);
        int currentStage = request.currentStage();
        if (currentStage != SECURITY && currentStage != OPERATIONAL || stage >= 0 && currentStage != stage) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "login request in stage " + currentStage
                    + " while the login is in stage " + stage);
        }
        stage = currentStage;
        if (request.continues() && request.transit()) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "T and C bits both set");
        }
        if (request.continues()) {
            if (continued == null) {
                continued = alloc.compositeBuffer();
            }
            continued.addComponent(true, request.data().retain());
            if (continued.readableBytes() > MAX_LOGIN_TEXT) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR, "login text longer than " + MAX_LOGIN_TEXT + " bytes");
            }
            return new LoginStep(response(request, requestedTsih, false, 0, List.of()), null, null);
        }
        Map<String, String> keys = keys(request);
        List<KeyValue> answer = new ArrayList<>();
        if (initiatorName == null) {
            identify(keys);
            if (type == SessionType.NORMAL) {
                answer.add(new KeyValue("TargetPortalGroupTag", Integer.toString(TargetConfig.PORTAL_GROUP_TAG)));
            }
        }
        for (Map.Entry<String, String> key : keys.entrySet()) {
            answerKey(key.getKey(), key.getValue(), answer);
        }
        if (stage == SECURITY) {
            authenticate(keys, answer);
        }
        boolean transit = request.transit();
        int nextStage = request.nextStage();
        if (transit && (nextStage <= stage || nextStage == 2)) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "invalid next stage " + nextStage);
        }
        if (transit && !authenticated) {
            transit = mayProceedUnauthenticated();
        }
        if (stage == OPERATIONAL && !authenticated) {
            requireNoAuthentication();
        }
        if (!declared && (stage == OPERATIONAL || transit && nextStage == FULL_FEATURE)) {
            answer.add(new KeyValue("MaxRecvDataSegmentLength", Integer.toString(config.limits().maxRecvDataSegmentLength())));
            declared = true;
        }
        if (transit && nextStage == FULL_FEATURE) {
            parameters.reconcile();
            Session session = registry.admit(new SessionKey(initiatorName, isid), requestedTsih, connectionId, type,
                    parameters, closer);
            LoginResponsePdu response = response(request, session.tsih(), true, nextStage, answer);
            return new LoginStep(response, session, null);
        }
        LoginResponsePdu response = response(request, requestedTsih, transit, nextStage, answer);
        if (transit) {
            stage = nextStage;
        }
        return new LoginStep(response, null, null);
    }

    private void checkSameLogin(LoginRequestPdu request) throws LoginException {
        if (!started) {
            if (request.versionMin() > 0) {
                throw new LoginException(LoginStatus.UNSUPPORTED_VERSION, "VersionMin " + request.versionMin());
            }
            started = true;
            isid = request.isid();
            requestedTsih = request.tsih();
            connectionId = request.connectionId();
            return;
        }
        if (request.isid() != isid || request.tsih() != requestedTsih || request.connectionId() != connectionId) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, "ISID, TSIH or CID changed during login");
        }
    }

    private Map<String, String> keys(LoginRequestPdu request) throws LoginException {
        List<KeyValue> pairs;
        try {
            if (continued != null) {
                continued.addComponent(true, request.data().retain());
                pairs = KeyValueCodec.decode(continued);
                release();
            } else {
                pairs = KeyValueCodec.decode(request.data());
            }
        } catch (TextFormatException e) {
            throw new LoginException(LoginStatus.INITIATOR_ERROR, e.getMessage());
        }
        Map<String, String> keys = new LinkedHashMap<>();
        for (KeyValue pair : pairs) {
            if (keys.put(pair.key(), pair.value()) != null || !negotiatedKeys.add(pair.key())) {
                throw new LoginException(LoginStatus.INITIATOR_ERROR, "key " + pair.key() + " sent twice");
            }
        }
        return keys;
    }

    private void identify(Map<String, String> keys) throws LoginException {
        initiatorName = keys.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) {
            throw new LoginException(LoginStatus.MISSING_PARAMETER, "InitiatorName missing");
        }
        type = switch (keys.getOrDefault("SessionType", "Normal")) {
            case "Normal" -> SessionType.NORMAL;
            case "Discovery" -> SessionType.DISCOVERY;
            default -> throw new LoginException(LoginStatus.SESSION_TYPE_NOT_SUPPORTED,
                    "SessionType " + keys.get("SessionType"));
        };
        if (type == SessionType.NORMAL) {
            String targetName = keys.get("TargetName");
            if (targetName == null) {
                throw new LoginException(LoginStatus.MISSING_PARAMETER, "TargetName missing");
            }
            if (!targetName.equals(config.targetName())) {
                throw new LoginException(LoginStatus.NOT_FOUND, "no target " + targetName);
            }
            if (!config.allows(initiatorName)) {
                throw new LoginException(LoginStatus.AUTHORIZATION_FAILURE, initiatorName + " is not allowed");
            }
        }
    }

    private void answerKey(String key, String value, List<KeyValue> answer) {
        switch (key) {
            case "InitiatorName", "TargetName", "SessionType", "InitiatorAlias", "AuthMethod" -> { }
            default -> {
                if (key.startsWith("CHAP_")) {
                    return;
                }
                negotiator.answer(key, value, parameters).ifPresent(v -> answer.add(new KeyValue(key, v)));
            }
        }
    }

    private void authenticate(Map<String, String> keys, List<KeyValue> answer) throws LoginException {
        String offered = keys.get("AuthMethod");
        if (offered != null) {
            String chosen = chooseAuthMethod(offered);
            answer.add(new KeyValue("AuthMethod", chosen));
            switch (chosen) {
                case "None" -> authenticated = true;
                case "CHAP" -> chap = new ChapAuthenticator(config.chap(), config.mutualChap());
                default -> throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE,
                        "no acceptable AuthMethod in " + offered);
            }
        } else if (chap != null && keys.keySet().stream().anyMatch(k -> k.startsWith("CHAP_"))) {
            answer.addAll(chap.step(keys));
            authenticated = chap.done();
        }
    }

    private String chooseAuthMethod(String offered) {
        for (String method : offered.split(",")) {
            boolean chapOffered = method.equals("CHAP") && config.chap() != null;
            boolean noneAcceptable = method.equals("None") && !authenticationRequired();
            if (chapOffered || noneAcceptable) {
                return method;
            }
        }
        return OperationalNegotiator.REJECT;
    }

    /** Whether the login may leave the security stage now; false while CHAP is still running. */
    private boolean mayProceedUnauthenticated() throws LoginException {
        if (chap != null) {
            return false;
        }
        requireNoAuthentication();
        return true;
    }

    private void requireNoAuthentication() throws LoginException {
        if (authenticationRequired()) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "CHAP is required");
        }
        authenticated = true;
    }

    /** Normal sessions must use CHAP when it is configured; discovery may go without. */
    private boolean authenticationRequired() {
        return config.chap() != null && type == SessionType.NORMAL;
    }

    private LoginResponsePdu response(LoginRequestPdu request, int tsih, boolean transit, int nextStage, List<KeyValue> answer) {
        return new LoginResponsePdu(request, tsih)
                .stages(transit, false, stage, nextStage)
                .status(LoginStatus.SUCCESS.statusClass(), LoginStatus.SUCCESS.detail())
                .text(KeyValueCodec.encode(alloc, answer));
    }
}
