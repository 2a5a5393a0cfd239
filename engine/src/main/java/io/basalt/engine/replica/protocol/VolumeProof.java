package io.basalt.engine.replica.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof that a client knows a volume's secret: HMAC-SHA256 keyed with the secret over the
 * server's nonce followed by the replica's name, so a proof is good for one connection to one replica.
 */
public final class VolumeProof {

    public static final int NONCE_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private VolumeProof() {
    }

    public static byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    public static byte[] compute(byte[] secret, byte[] nonce, String replica) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            mac.update(nonce);
            return mac.doFinal(replica.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this runtime", e);
        }
    }

    /** Compares in constant time, so that timing does not reveal how much of a proof was right. */
    public static boolean verify(byte[] secret, byte[] nonce, String replica, byte[] proof) {
        return MessageDigest.isEqual(compute(secret, nonce, replica), proof);
    }
}
