package io.basalt.api.v1alpha1;

/**
 * The keys of a volume's CHAP Secret (named by {@code VolumeClaimStatus.chapSecretName}): the operator
 * writes them, the target checks them, the node plugin logs in with them. The same Secret holds the
 * volume's replica secret, which only the target and the pools see.
 */
public final class ChapSecret {

    /** The CHAP user name. */
    public static final String USERNAME = "username";
    /** The CHAP secret. */
    public static final String PASSWORD = "password";
    /**
     * The secret the target proves it knows on the replica protocol; the pools keep it per replica
     * (given as its UTF-8 bytes when the replica is created), the target reads it from its environment.
     */
    public static final String REPLICA_SECRET = "replicaSecret";

    private ChapSecret() {
    }
}
