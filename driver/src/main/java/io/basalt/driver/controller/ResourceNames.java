package io.basalt.driver.controller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Maps CSI names, which may be any string of up to 128 characters, to Kubernetes resource names,
 * which become the CSI ids. Names that already fit are kept, so {@code pvc-<uid>} stays readable;
 * the rest are hashed, and the original is kept in an annotation to tell collisions apart.
 */
final class ResourceNames {

    /** The annotation holding the CSI name a resource was created for. */
    static final String CSI_NAME_ANNOTATION = "basalt.io/csi-name";

    /** Short enough that derived names (Services, Deployments, IQNs) stay within DNS label limits. */
    private static final int MAX_KEPT_LENGTH = 48;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private ResourceNames() {
    }

    static String forCsiName(String prefix, String csiName) {
        if (csiName.length() <= MAX_KEPT_LENGTH && DNS_LABEL.matcher(csiName).matches()) {
            return csiName;
        }
        return prefix + "-" + HexFormat.of().formatHex(sha256(csiName), 0, 12);
    }

    /** Whether {@code id} could be one of our ids; anything else cannot name a resource of ours. */
    static boolean isValidId(String id) {
        return id.length() <= MAX_KEPT_LENGTH && DNS_LABEL.matcher(id).matches();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
