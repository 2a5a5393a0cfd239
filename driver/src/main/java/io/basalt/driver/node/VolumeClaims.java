package io.basalt.driver.node;

import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumePhase;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The node plugin's side of the VolumeClaim: who consumes it, whether it is served, and how to reach it. */
public final class VolumeClaims {

    /** Attempts at a read-modify-write of a claim that others (operator, controller) also change. */
    private static final int UPDATE_ATTEMPTS = 5;

    private final KubernetesClient client;
    private final String namespace;
    private final Duration pollInterval;

    public VolumeClaims(KubernetesClient client, String namespace, Duration pollInterval) {
        this.client = client;
        this.namespace = namespace;
        this.pollInterval = pollInterval;
    }

    /**
     * Records {@code node} as the consumer of the volume, the operator's signal to place it, and
     * returns the claim's spec.
     *
     * @throws io.grpc.StatusRuntimeException NOT_FOUND without a claim, FAILED_PRECONDITION when
     *         another node consumes it
     */
    public VolumeClaimSpec recordConsumer(String volumeId, String node) {
        return changeSpec(volumeId, claim -> {
            String consumer = claim.getSpec().nodeName();
            if (node.equals(consumer)) {
                return claim.getSpec();
            }
            if (consumer != null && !consumer.isEmpty()) {
                throw Status.FAILED_PRECONDITION.withDescription("volume " + volumeId + " is attached to node "
                        + consumer + " (VolumeClaim " + name(volumeId) + " spec.nodeName); it must be unstaged there"
                        + " before node " + node + " can use it").asRuntimeException();
            }
            return claim.getSpec().withNodeName(node);
        }, true);
    }

    /** Clears {@code node} as the consumer, if it is the consumer; a missing claim is fine. */
    public void releaseConsumer(String volumeId, String node) {
        changeSpec(volumeId, claim -> node.equals(claim.getSpec().nodeName())
                ? claim.getSpec().withNodeName(null) : claim.getSpec(), false);
    }

    /**
     * Waits up to {@code limit} for the claim to be Bound and returns where its target is.
     *
     * @throws io.grpc.StatusRuntimeException UNAVAILABLE naming the claim and its Ready condition
     *         when still pending, FAILED_PRECONDITION when Failed, NOT_FOUND when it vanished
     */
    public Bound awaitBound(String volumeId, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            VolumeClaim claim = get(volumeId);
            VolumeClaimStatus status = claim.getStatus();
            VolumePhase phase = status == null || status.phase() == null ? VolumePhase.PENDING : status.phase();
            switch (phase) {
                case BOUND -> {
                    return bound(volumeId, status);
                }
                case FAILED -> throw Status.FAILED_PRECONDITION.withDescription("VolumeClaim " + name(volumeId)
                        + " failed: " + readiness(status)).asRuntimeException();
                case PENDING -> {
                    if (System.nanoTime() >= deadline) {
                        throw Status.UNAVAILABLE.withDescription("VolumeClaim " + name(volumeId)
                                + " is still Pending after " + limit + ": " + readiness(status)).asRuntimeException();
                    }
                }
            }
            Thread.sleep(pollInterval);
        }
    }

    /** The CHAP credentials in the named Secret. */
    public ChapCredentials chapCredentials(String volumeId, String secretName) {
        Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (secret == null) {
            throw Status.UNAVAILABLE.withDescription("VolumeClaim " + name(volumeId) + " names CHAP Secret "
                    + namespace + "/" + secretName + ", which does not exist").asRuntimeException();
        }
        return new ChapCredentials(secretValue(secret, ChapSecret.USERNAME),
                secretValue(secret, ChapSecret.PASSWORD));
    }

    /**
     * Where a Bound claim is served.
     *
     * @param target the target's portal and IQN
     * @param chapSecretName the Secret with the CHAP credentials, if the target asks for CHAP
     */
    public record Bound(IscsiTarget target, Optional<String> chapSecretName) {
    }

    private Bound bound(String volumeId, VolumeClaimStatus status) {
        if (isBlank(status.targetPortal()) || isBlank(status.iqn())) {
            throw Status.INTERNAL.withDescription("VolumeClaim " + name(volumeId)
                    + " is Bound but its status lacks targetPortal or iqn").asRuntimeException();
        }
        return new Bound(new IscsiTarget(status.targetPortal(), status.iqn()),
                Optional.ofNullable(status.chapSecretName()).filter(secret -> !secret.isBlank()));
    }

    private VolumeClaim get(String volumeId) {
        VolumeClaim claim = find(volumeId);
        if (claim == null) {
            throw Status.NOT_FOUND.withDescription("volume " + volumeId + " does not exist (no VolumeClaim "
                    + name(volumeId) + ")").asRuntimeException();
        }
        return claim;
    }

    private VolumeClaim find(String volumeId) {
        return client.resources(VolumeClaim.class).inNamespace(namespace).withName(volumeId).get();
    }

    /**
     * Read-modify-write of the claim's spec, repeated when someone else changed it in between.
     * {@code change} returns the spec wanted; the result is the claim's spec afterwards, or null
     * when there is no claim.
     */
    private VolumeClaimSpec changeSpec(String volumeId, Function<VolumeClaim, VolumeClaimSpec> change,
                                       boolean mustExist) {
        for (int attempt = 1; ; attempt++) {
            VolumeClaim claim = mustExist ? get(volumeId) : find(volumeId);
            if (claim == null) {
                return null;
            }
            VolumeClaimSpec wanted = change.apply(claim);
            if (wanted.equals(claim.getSpec())) {
                return wanted;
            }
            claim.setSpec(wanted);
            try {
                client.resource(claim).update();
                return wanted;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == UPDATE_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private String name(String volumeId) {
        return namespace + "/" + volumeId;
    }

    private static String readiness(VolumeClaimStatus status) {
        if (status == null || status.conditions() == null) {
            return "no Ready condition yet (the operator has not looked at it)";
        }
        return status.conditions().stream()
                .filter(condition -> "Ready".equals(condition.getType()))
                .findFirst()
                .map(VolumeClaims::describe)
                .orElse("no Ready condition yet (the operator has not looked at it)");
    }

    private static String describe(Condition ready) {
        return Objects.requireNonNullElse(ready.getReason(), "NoReason") + ": "
                + Objects.requireNonNullElse(ready.getMessage(), "");
    }

    private static String secretValue(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
        }
        Map<String, String> plain = secret.getStringData();
        if (plain != null && plain.get(key) != null) {
            return plain.get(key);
        }
        throw Status.UNAVAILABLE.withDescription("CHAP Secret " + secret.getMetadata().getNamespace() + "/"
                + secret.getMetadata().getName() + " has no key '" + key + "'").asRuntimeException();
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
