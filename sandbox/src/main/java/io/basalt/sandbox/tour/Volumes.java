package io.basalt.sandbox.tour;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeContentSource;
import io.basalt.driver.node.VolumeClaims;
import io.basalt.sandbox.SandboxException;
import io.basalt.sandbox.SandboxSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A volume's steps as Kubernetes takes them: CSI calls on the driver's socket, the node plugin's own
 * consumer record on the VolumeClaim, and the address and credentials an initiator logs in with.
 */
public final class Volumes {

    private static final String NAMESPACE = BasaltResources.NAMESPACE;
    private static final Duration POLL = Duration.ofMillis(200);

    private final KubernetesClient client;
    private final CsiClient csi;

    public Volumes(KubernetesClient client, CsiClient csi) {
        this.client = client;
        this.csi = csi;
    }

    /** CreateVolume for a file system volume of the sandbox's pool cluster, optionally from a snapshot. */
    public void create(String name, long size, int replicas, Optional<String> fromSnapshot) {
        CreateVolumeRequest.Builder request = CreateVolumeRequest.newBuilder()
                .setName(name)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size))
                .addVolumeCapabilities(mountCapability())
                .putParameters("poolCluster", SandboxSettings.POOL_CLUSTER)
                .putParameters("replicaCount", Integer.toString(replicas));
        fromSnapshot.ifPresent(snapshot -> request.setVolumeContentSource(VolumeContentSource.newBuilder()
                .setSnapshot(VolumeContentSource.SnapshotSource.newBuilder().setSnapshotId(snapshot))));
        String id = csi.controller().createVolume(request.build()).getVolume().getVolumeId();
        if (!id.equals(name)) {
            throw new SandboxException("CreateVolume " + name + " returned volume id " + id
                    + "; names that fit a Kubernetes name are expected to be kept");
        }
    }

    /**
     * What NodeStageVolume does first, with the node plugin's own code: records {@code node} as the
     * volume's consumer, the operator's signal to place the volume.
     */
    public void recordConsumer(String volume, String node) {
        new VolumeClaims(client, NAMESPACE, POLL).recordConsumer(volume, node);
    }

    /** What NodeUnstageVolume does last: clears {@code node} as the consumer. */
    public void releaseConsumer(String volume, String node) {
        new VolumeClaims(client, NAMESPACE, POLL).releaseConsumer(volume, node);
    }

    /** The claim once the operator has reported on it: CreateVolume returns before it has. */
    public VolumeClaim awaitReported(String volume, Duration limit) {
        return Waits.until("the operator to report on VolumeClaim " + volume, limit,
                () -> Optional.ofNullable(claim(volume)).filter(c -> c.getStatus() != null),
                () -> "VolumeClaim " + volume + " is " + phaseAndReason(claim(volume)));
    }

    public VolumeClaimStatus awaitBound(String volume, Duration limit) {
        return Waits.until("VolumeClaim " + volume + " to be Bound", limit, () -> {
            VolumeClaim claim = claim(volume);
            VolumeClaimStatus status = claim == null ? null : claim.getStatus();
            if (status != null && status.phase() == VolumePhase.FAILED) {
                throw new SandboxException("VolumeClaim " + volume + " failed: " + phaseAndReason(claim));
            }
            return Optional.ofNullable(status).filter(s -> s.phase() == VolumePhase.BOUND);
        }, () -> "VolumeClaim " + volume + " is " + phaseAndReason(claim(volume)));
    }

    /** The iscsi:// URL of a Bound volume's LUN, with the CHAP credentials of its Secret. */
    public String url(VolumeClaimStatus status) {
        Secret secret = client.secrets().inNamespace(NAMESPACE).withName(status.chapSecretName()).get();
        if (secret == null) {
            throw new SandboxException("the CHAP Secret " + status.chapSecretName() + " named by the VolumeClaim is missing");
        }
        return QemuIo.url(status.targetPortal(), status.iqn(), decode(secret, ChapSecret.USERNAME),
                decode(secret, ChapSecret.PASSWORD));
    }

    public VolumeClaim claim(String name) {
        return client.resources(VolumeClaim.class).inNamespace(NAMESPACE).withName(name).get();
    }

    /** The claim's phase and Ready condition, e.g. {@code Pending (WaitingForConsumer: ...)}. */
    public static String phaseAndReason(VolumeClaim claim) {
        if (claim == null) {
            return "missing";
        }
        VolumeClaimStatus status = claim.getStatus();
        if (status == null) {
            return "without status";
        }
        Optional<Condition> ready = Optional.ofNullable(status.conditions()).orElse(List.of()).stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst();
        return Serialization.jsonMapper().convertValue(status.phase(), String.class)
                + ready.map(c -> " (" + c.getReason() + ": " + c.getMessage() + ")").orElse("");
    }

    static VolumeCapability mountCapability() {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
