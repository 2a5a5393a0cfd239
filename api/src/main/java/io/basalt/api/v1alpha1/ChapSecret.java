package io.basalt.api.v1alpha1;

/**
 * The keys of a volume's CHAP Secret (named by {@code VolumeClaimStatus.chapSecretName}): the operator
 * writes them, the target checks them, the node plugin logs in with them.
 */
public final class ChapSecret {

    /** The CHAP user name. */
    public static final String USERNAME = "username";
    /** The CHAP secret. */
    public static final String PASSWORD = "password";

    private ChapSecret() {
    }
}
