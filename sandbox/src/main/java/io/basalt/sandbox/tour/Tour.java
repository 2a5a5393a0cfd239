package io.basalt.sandbox.tour;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.ControllerExpandVolumeRequest;
import io.basalt.csi.v1.CreateSnapshotRequest;
import io.basalt.csi.v1.CreateSnapshotResponse;
import io.basalt.csi.v1.DeleteSnapshotRequest;
import io.basalt.csi.v1.DeleteVolumeRequest;
import io.basalt.sandbox.SandboxException;
import io.basalt.sandbox.SandboxSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A volume's life through the running stack, every step through the interface Kubernetes would use:
 * CSI calls on the driver's socket, the consumer node recorded on the VolumeClaim, data over iSCSI
 * with qemu's initiator, and at the end a check that nothing of the volumes is left anywhere.
 */
public final class Tour {

    public static final String VOLUME = "sandbox-vol";
    public static final String SNAPSHOT = "sandbox-snap";
    public static final String CLONE = "sandbox-clone";
    private static final long MIB = 1L << 20;
    private static final long SIZE = 256 * MIB;
    private static final long GROWN_SIZE = 512 * MIB;
    private static final Duration POOLS_ONLINE = Duration.ofSeconds(60);
    private static final Duration BINDING = Duration.ofSeconds(60);
    private static final Duration SETTLING = Duration.ofSeconds(30);
    private static final String NAMESPACE = BasaltResources.NAMESPACE;
    private static final String VOLUME_LABEL = "basalt.io/volume";
    private static final List<String> VOLUME_VIEW = List.of("vc", "vt", "vr", "deploy", "pods", "svc");

    private final KubernetesClient client;
    private final CsiClient csi;
    private final Volumes volumes;
    private final QemuIo qemu;
    private final Narrator narrator;
    private final int poolCount;

    public Tour(KubernetesClient client, CsiClient csi, Path workDirectory, Narrator narrator, int poolCount) {
        this.client = client;
        this.csi = csi;
        this.volumes = new Volumes(client, csi);
        this.qemu = new QemuIo(workDirectory);
        this.narrator = narrator;
        this.poolCount = poolCount;
    }

    /** Runs the tour; any step that goes wrong is a {@link SandboxException} saying what and where. */
    public void run() {
        awaitPoolsOnline();

        volumes.create(VOLUME, SIZE, 3, Optional.empty());
        narrator.milestone("CreateVolume " + VOLUME + " (" + SIZE / MIB + " MiB, 3 replicas): VolumeClaim "
                + Volumes.phaseAndReason(volumes.awaitReported(VOLUME, SETTLING)));
        narrator.show(List.of("vc"));

        recordConsumer(VOLUME);
        VolumeClaimStatus bound = volumes.awaitBound(VOLUME, BINDING);
        Set<String> replicas = replicaNames(VOLUME);
        narrator.milestone("VolumeClaim " + VOLUME + " Bound: target " + bound.targetPortal() + " "
                + bound.iqn() + ", replicas " + String.join(", ", replicas));
        narrator.show(VOLUME_VIEW);

        String url = volumes.url(bound);
        qemu.run(url, List.of("write -P 0x5a 0 1M", "write -P 0xa5 " + (SIZE - MIB) + " 1M"));
        qemu.run(url, List.of("read -P 0x5a 0 1M", "read -P 0xa5 " + (SIZE - MIB) + " 1M"));
        narrator.milestone("data written and read back over iSCSI (qemu-io, CHAP from Secret "
                + bound.chapSecretName() + "): 0x5a in the first MiB, 0xa5 in the last");

        expand(VOLUME, GROWN_SIZE);
        String length = qemu.run(url, List.of("length", "read -P 0xa5 " + (SIZE - MIB) + " 1M",
                "read -P 0 " + SIZE + " 1M", "read -P 0 " + (GROWN_SIZE - MIB) + " 1M")).lines()
                .filter(line -> line.contains("MiB")).findFirst().orElse("?").trim();
        if (!length.equals(GROWN_SIZE / MIB + " MiB")) {
            throw new SandboxException("after ControllerExpandVolume the LUN is " + length + " over iSCSI, not "
                    + GROWN_SIZE / MIB + " MiB");
        }
        narrator.milestone("ControllerExpandVolume " + VOLUME + " to " + GROWN_SIZE / MIB
                + " MiB: expanded; the LUN reads " + length + " over iSCSI, the old data intact, the new space zeros");
        narrator.show(List.of("vc", "vt"));

        String snapshotId = createSnapshot(VOLUME, SNAPSHOT);
        narrator.milestone("CreateSnapshot " + SNAPSHOT + " of " + VOLUME + ": snapshot ready to use");
        narrator.show(List.of("bsnap"));

        volumes.create(CLONE, GROWN_SIZE, 3, Optional.of(snapshotId));
        recordConsumer(CLONE);
        VolumeClaimStatus cloneBound = volumes.awaitBound(CLONE, BINDING);
        Set<String> cloneReplicas = replicaNames(CLONE);
        qemu.run(volumes.url(cloneBound), List.of("read -P 0x5a 0 1M", "read -P 0xa5 " + (SIZE - MIB) + " 1M"));
        narrator.milestone("clone " + CLONE + " of " + SNAPSHOT + " Bound at " + cloneBound.targetPortal()
                + "; the snapshot's data read back from it over iSCSI");
        narrator.show(VOLUME_VIEW);

        volumes.releaseConsumer(CLONE, SandboxSettings.CONSUMER_NODE);
        volumes.releaseConsumer(VOLUME, SandboxSettings.CONSUMER_NODE);
        narrator.milestone("node " + SandboxSettings.CONSUMER_NODE + " released from " + CLONE + " and " + VOLUME
                + " (spec.nodeName cleared, as NodeUnstageVolume does after logging out)");
        deleteVolume(CLONE);
        deleteSnapshot(snapshotId);
        deleteVolume(VOLUME);
        narrator.milestone("DeleteVolume " + CLONE + ", DeleteSnapshot " + SNAPSHOT + ", DeleteVolume " + VOLUME);
        awaitNothingLeft(Set.of(VOLUME, CLONE), union(replicas, cloneReplicas),
                List.of(bound.chapSecretName(), cloneBound.chapSecretName()));
        narrator.milestone("nothing left behind: no VolumeClaim, VolumeTarget, VolumeReplica, BlockSnapshot,"
                + " Deployment, Service or Secret of the tour's volumes, and no pool holds their replicas");
        narrator.show(List.of("vc", "vt", "vr", "bsnap", "deploy", "pods", "svc"));
    }

    private void awaitPoolsOnline() {
        Waits.untilTrue(poolCount + " StoragePools Online", POOLS_ONLINE,
                () -> pools().stream().filter(p -> p.getStatus() != null && p.getStatus().phase() == PoolPhase.ONLINE)
                        .count() == poolCount && poolsOnlineInCluster() == poolCount,
                () -> "pools: " + pools().stream().map(p -> p.getMetadata().getName() + " "
                        + (p.getStatus() == null ? "no status" : p.getStatus().phase())).toList()
                        + ", StoragePoolCluster " + SandboxSettings.POOL_CLUSTER + " counts " + poolsOnlineInCluster()
                        + " online");
        narrator.milestone("pools online: " + poolCount + " StoragePools of cluster " + SandboxSettings.POOL_CLUSTER
                + ", one pool server pod on each node");
        narrator.show(List.of("spc", "sp", "deploy", "pods", "svc"));
    }

    private int poolsOnlineInCluster() {
        StoragePoolCluster cluster = client.resources(StoragePoolCluster.class).inNamespace(NAMESPACE)
                .withName(SandboxSettings.POOL_CLUSTER).get();
        return cluster == null || cluster.getStatus() == null || cluster.getStatus().poolsOnline() == null ? 0
                : cluster.getStatus().poolsOnline();
    }

    private List<StoragePool> pools() {
        return client.resources(StoragePool.class).inNamespace(NAMESPACE).list().getItems();
    }

    private void recordConsumer(String volume) {
        volumes.recordConsumer(volume, SandboxSettings.CONSUMER_NODE);
        narrator.milestone("node " + SandboxSettings.CONSUMER_NODE + " recorded on VolumeClaim " + volume
                + " (spec.nodeName)");
        narrator.note("NodeStageVolume records it before logging in to the target; that login needs the kernel's");
        narrator.note("iSCSI initiator, which this host lacks, so the sandbox records the node itself.");
    }

    private void expand(String volume, long size) {
        csi.controller().controllerExpandVolume(ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(volume)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(size))
                .setVolumeCapability(Volumes.mountCapability())
                .build());
        Waits.untilTrue("VolumeClaim " + volume + " to report " + size + " bytes", SETTLING, () -> {
            VolumeClaim claim = volumes.claim(volume);
            return claim != null && claim.getStatus() != null && claim.getStatus().capacityBytes() != null
                    && claim.getStatus().capacityBytes() >= size;
        }, () -> "VolumeClaim " + volume + " is " + Volumes.phaseAndReason(volumes.claim(volume)) + " with capacity "
                + Optional.ofNullable(volumes.claim(volume)).map(VolumeClaim::getStatus).map(VolumeClaimStatus::capacityBytes)
                        .orElse(null));
    }

    /** CreateSnapshot, repeated as the external-snapshotter repeats it, until the snapshot is ready to use. */
    private String createSnapshot(String volume, String name) {
        CreateSnapshotRequest request = CreateSnapshotRequest.newBuilder().setSourceVolumeId(volume).setName(name).build();
        return Waits.until("snapshot " + name + " to be ready to use", SETTLING, () -> {
            CreateSnapshotResponse response = csi.controller().createSnapshot(request);
            return Optional.of(response.getSnapshot()).filter(s -> s.getReadyToUse()).map(s -> s.getSnapshotId());
        }, () -> "BlockSnapshot " + name + ": " + Optional.ofNullable(client.resources(BlockSnapshot.class)
                .inNamespace(NAMESPACE).withName(name).get()).map(BlockSnapshot::getStatus).map(Object::toString)
                .orElse("missing"));
    }

    private void deleteVolume(String volume) {
        csi.controller().deleteVolume(DeleteVolumeRequest.newBuilder().setVolumeId(volume).build());
    }

    private void deleteSnapshot(String snapshotId) {
        csi.controller().deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId(snapshotId).build());
    }

    private void awaitNothingLeft(Set<String> volumes, Set<String> replicas, List<String> secrets) {
        Waits.untilTrue("the tour's volumes to be gone everywhere", SETTLING,
                () -> leftovers(volumes, replicas, secrets).isEmpty(),
                () -> "still there: " + leftovers(volumes, replicas, secrets));
    }

    /** Everything of {@code volumes} that still exists, in the API or in a pool. */
    private List<String> leftovers(Set<String> volumes, Set<String> replicas, List<String> secrets) {
        List<String> left = new ArrayList<>();
        for (String volume : volumes) {
            Map<String, String> label = Map.of(VOLUME_LABEL, volume);
            named(left, "VolumeClaim", client.resources(VolumeClaim.class).inNamespace(NAMESPACE).withName(volume).get());
            named(left, "VolumeTarget", client.resources(VolumeTarget.class).inNamespace(NAMESPACE).withName(volume).get());
            Stream.of(client.resources(VolumeReplica.class).inNamespace(NAMESPACE).withLabels(label).list().getItems(),
                            client.apps().deployments().inNamespace(NAMESPACE).withLabels(label).list().getItems(),
                            client.services().inNamespace(NAMESPACE).withLabels(label).list().getItems(),
                            client.secrets().inNamespace(NAMESPACE).withLabels(label).list().getItems())
                    .flatMap(List::stream)
                    .forEach(resource -> named(left, resource.getKind(), resource));
        }
        replicas.forEach(replica -> named(left, "VolumeReplica",
                client.resources(VolumeReplica.class).inNamespace(NAMESPACE).withName(replica).get()));
        secrets.forEach(secret -> named(left, "Secret", client.secrets().inNamespace(NAMESPACE).withName(secret).get()));
        named(left, "BlockSnapshot", client.resources(BlockSnapshot.class).inNamespace(NAMESPACE).withName(SNAPSHOT).get());
        for (StoragePool pool : pools()) {
            String endpoint = pool.getStatus() == null ? null : pool.getStatus().managementEndpoint();
            if (endpoint == null) {
                left.add("StoragePool " + pool.getMetadata().getName() + " has no management endpoint to ask");
                continue;
            }
            int colon = endpoint.lastIndexOf(':');
            try {
                PoolReplicas.names(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)))
                        .stream().filter(replicas::contains)
                        .forEach(r -> left.add("replica " + r + " in pool " + pool.getMetadata().getName()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while listing the replicas of " + pool.getMetadata().getName(), e);
            } catch (RuntimeException e) {
                left.add("pool " + pool.getMetadata().getName() + " unreachable at " + endpoint + ": " + e.getMessage());
            }
        }
        return left;
    }

    private static void named(List<String> left, String kind, HasMetadata resource) {
        if (resource != null) {
            left.add(kind + " " + resource.getMetadata().getName());
        }
    }

    private Set<String> replicaNames(String volume) {
        return client.resources(VolumeReplica.class).inNamespace(NAMESPACE).withLabel(VOLUME_LABEL, volume).list()
                .getItems().stream().map(r -> r.getMetadata().getName()).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
