package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.VolumeClaim;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names, labels and ownership of the objects that make up one volume. Every name is derived from
 * the volume (and pool), so a restarted operator finds what it made instead of making it twice.
 */
final class VolumeObjects {

    static final String VOLUME_LABEL = "basalt.io/volume";
    static final String IQN_PREFIX = "iqn.2026-01.io.basalt:";
    /** On a VolumeReplica that takes the place of a lost one: the lost replica's name. */
    static final String REPLACES_ANNOTATION = "basalt.io/replaces";

    private VolumeObjects() {
    }

    static String replicaName(VolumeClaim claim, String pool) {
        return claim.getMetadata().getName() + "-" + shortDigest(pool);
    }

    static String chapSecretName(VolumeClaim claim) {
        return chapSecretName(claim.getMetadata().getName());
    }

    /** The Secret of volume {@code volume}: CHAP credentials and the replica secret. */
    static String chapSecretName(String volume) {
        return volume + "-chap";
    }

    static String targetServerName(VolumeClaim claim) {
        return targetServerName(claim.getMetadata().getName());
    }

    /** The Deployment and Service of volume {@code volume}'s target. */
    static String targetServerName(String volume) {
        return "target-" + volume;
    }

    static String iqn(VolumeClaim claim) {
        return IQN_PREFIX + claim.getMetadata().getName();
    }

    /** Metadata of an object that belongs to {@code claim}: labelled with it and owned by it. */
    static ObjectMeta ownedBy(VolumeClaim claim, String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(claim.getMetadata().getNamespace())
                .addToLabels(VOLUME_LABEL, claim.getMetadata().getName())
                .addToOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(claim.getApiVersion())
                        .withKind(claim.getKind())
                        .withName(claim.getMetadata().getName())
                        .withUid(claim.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build();
    }

    private static String shortDigest(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
