package io.basalt.engine.iscsi.login;

import io.basalt.engine.iscsi.text.KeyValue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The target's side of CHAP with MD5 (RFC 1994, RFC 7143 12.1.3): it challenges the initiator and,
 * when the initiator challenges back, proves itself with the mutual credentials.
 */
public final class ChapAuthenticator {

    static final String MD5 = "5";
    private static final int CHALLENGE_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { AWAITING_ALGORITHM, AWAITING_RESPONSE, DONE }

    private final ChapCredentials initiatorCredentials;
    private final ChapCredentials mutualCredentials;
    private State state = State.AWAITING_ALGORITHM;
    private int identifier;
    private byte[] challenge;

    /** @param mutualCredentials what the target answers with when challenged, or {@code null} */
    public ChapAuthenticator(ChapCredentials initiatorCredentials, ChapCredentials mutualCredentials) {
        this.initiatorCredentials = initiatorCredentials;
        this.mutualCredentials = mutualCredentials;
    }

    public boolean done() {
        return state == State.DONE;
    }

    /** Handles the CHAP keys of one login request and gives the keys to answer with. */
    public List<KeyValue> step(Map<String, String> keys) throws LoginException {
        return switch (state) {
            case AWAITING_ALGORITHM -> challenge(keys.get("CHAP_A"));
            case AWAITING_RESPONSE -> verify(keys);
            case DONE -> throw new LoginException(LoginStatus.INITIATOR_ERROR, "CHAP keys after CHAP completed");
        };
    }

    private List<KeyValue> challenge(String algorithms) throws LoginException {
        if (algorithms == null) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "CHAP chosen but no CHAP_A offered");
        }
        if (!Arrays.asList(algorithms.split(",")).contains(MD5)) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "no supported CHAP_A in " + algorithms);
        }
        identifier = RANDOM.nextInt(256);
        challenge = new byte[CHALLENGE_LENGTH];
        RANDOM.nextBytes(challenge);
        state = State.AWAITING_RESPONSE;
        return List.of(new KeyValue("CHAP_A", MD5), new KeyValue("CHAP_I", Integer.toString(identifier)),
                new KeyValue("CHAP_C", BinaryValue.hex(challenge)));
    }

    private List<KeyValue> verify(Map<String, String> keys) throws LoginException {
        String name = keys.get("CHAP_N");
        byte[] response = keys.containsKey("CHAP_R") ? BinaryValue.decode(keys.get("CHAP_R")) : null;
        if (name == null || response == null) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "CHAP_N or CHAP_R missing or malformed");
        }
        byte[] expected = md5(identifier, initiatorCredentials.secret(), challenge);
        if (!name.equals(initiatorCredentials.user()) || !MessageDigest.isEqual(expected, response)) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "CHAP response does not match for user " + name);
        }
        List<KeyValue> answer = new ArrayList<>();
        if (keys.containsKey("CHAP_I") || keys.containsKey("CHAP_C")) {
            answer.addAll(answerMutual(keys.get("CHAP_I"), keys.get("CHAP_C")));
        }
        state = State.DONE;
        return answer;
    }

    private List<KeyValue> answerMutual(String identifierText, String challengeText) throws LoginException {
        if (mutualCredentials == null) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "initiator asked for mutual CHAP, none configured");
        }
        byte[] theirChallenge = challengeText == null ? null : BinaryValue.decode(challengeText);
        int theirIdentifier;
        try {
            theirIdentifier = identifierText == null ? -1 : Integer.decode(identifierText);
        } catch (NumberFormatException e) {
            theirIdentifier = -1;
        }
        if (theirChallenge == null || theirChallenge.length == 0 || theirIdentifier < 0 || theirIdentifier > 255) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "malformed mutual CHAP_I or CHAP_C");
        }
        if (Arrays.equals(theirChallenge, challenge)) {
            throw new LoginException(LoginStatus.AUTHENTICATION_FAILURE, "initiator reflected the target's challenge");
        }
        byte[] ourResponse = md5(theirIdentifier, mutualCredentials.secret(), theirChallenge);
        return List.of(new KeyValue("CHAP_N", mutualCredentials.user()), new KeyValue("CHAP_R", BinaryValue.hex(ourResponse)));
    }

    /** The CHAP response: MD5 over identifier, secret and challenge (RFC 1994 4.1). */
    public static byte[] md5(int identifier, byte[] secret, byte[] challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte) identifier);
            md5.update(secret);
            md5.update(challenge);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}
