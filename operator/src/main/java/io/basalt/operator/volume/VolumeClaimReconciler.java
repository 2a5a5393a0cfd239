package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.SnapshotLayer;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaSpec;
import io.basalt.api.v1alpha1.VolumeSource;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetSpec;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.placement.Placement;
import io.basalt.operator.placement.PlacementRequest;
import io.basalt.operator.placement.PoolCandidate;
import io.basalt.operator.placement.ReplicaPlacer;
import io.basalt.operator.pool.PoolServerTemplate;
import io.basalt.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * VolumeClaim: waits for its consumer, places replicas, runs the volume's target, and binds once the
 * target serves with a quorum. Every wait is the Ready condition's reason, with a message that says
 * what would end it.
 */
@ControllerConfiguration(name = "volumeclaim")
public final class VolumeClaimReconciler implements Reconciler<VolumeClaim>, Cleaner<VolumeClaim> {

    static final String WAITING_FOR_CONSUMER = "WaitingForConsumer";
    static final String WAITING_FOR_TARGET = "WaitingForTarget";
    static final String CLONE_SOURCE_UNAVAILABLE = "CloneSourceUnavailable";
    static final String BOUND = "Bound";
    private static final Duration RETRY_PLACEMENT = Duration.ofSeconds(15);
    private static final String CHAP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final TargetServerTemplate targetServer;
    private final ReplicaPlacer placer;
    private final Conditions conditions;
    private final SecureRandom random = new SecureRandom();

    public VolumeClaimReconciler(String engineImage, ReplicaPlacer placer, Conditions conditions) {
        this.targetServer = new TargetServerTemplate(engineImage);
        this.placer = placer;
        this.conditions = conditions;
    }

    @Override
    public List<EventSource<?, VolumeClaim>> prepareEventSources(EventSourceContext<VolumeClaim> context) {
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration
                .from(VolumeTarget.class, VolumeClaim.class)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VolumeClaim.class))
                .build(), context));
    }

    @Override
    public UpdateControl<VolumeClaim> reconcile(VolumeClaim claim, Context<VolumeClaim> context) {
        KubernetesClient client = context.getClient();
        EventRecorder events = new EventRecorder(client, Clock.systemUTC());
        String namespace = claim.getMetadata().getNamespace();
        VolumeTarget target = client.resources(VolumeTarget.class).inNamespace(namespace)
                .withName(claim.getMetadata().getName()).get();
        if (target == null) {
            String node = claim.getSpec().nodeName();
            if (node == null || node.isEmpty()) {
                return pending(claim, WAITING_FOR_CONSUMER, "no pod uses the volume yet; Basalt provisions it when"
                        + " the first node stages it, so its target can run on that node");
            }
            Optional<String> unavailableSource = cloneSourceProblem(client, claim);
            if (unavailableSource.isPresent()) {
                return pending(claim, CLONE_SOURCE_UNAVAILABLE, unavailableSource.get())
                        .rescheduleAfter(RETRY_PLACEMENT);
            }
            Placement placement = place(client, claim);
            if (placement instanceof Placement.NotEnoughPools notEnough) {
                events.warning(claim, Placement.NotEnoughPools.REASON, notEnough.message());
                return pending(claim, Placement.NotEnoughPools.REASON, notEnough.message()
                        + "; add pools to pool cluster " + claim.getSpec().poolCluster() + " or free space")
                        .rescheduleAfter(RETRY_PLACEMENT);
            }
            target = provision(client, claim, ((Placement.Placed) placement).pools());
            events.normal(claim, "Provisioning", "replicas placed on " + target.getSpec().replicas().stream()
                    .map(ReplicaEndpoint::pool).collect(Collectors.joining(", ")));
        }
        Service service = ensureCreated(client, targetServer.service(claim));
        String portal = portal(service);
        ensureCreated(client, targetServer.deployment(claim, target, portal));
        VolumeTargetStatus served = target.getStatus();
        int consistencyFactor = target.getSpec().consistencyFactor();
        if (served == null || served.healthyReplicas() == null || served.healthyReplicas() < consistencyFactor
                || served.phase() == TargetPhase.OFFLINE) {
            int healthy = served == null || served.healthyReplicas() == null ? 0 : served.healthyReplicas();
            return pending(claim, WAITING_FOR_TARGET, "target " + target.getMetadata().getName() + " serves with "
                    + healthy + " of " + target.getSpec().replicationFactor() + " replicas healthy; it needs "
                    + consistencyFactor + " to accept writes");
        }
        if (claim.getStatus() == null || claim.getStatus().phase() != VolumePhase.BOUND) {
            events.normal(claim, BOUND, "served by " + portal + " as " + target.getSpec().iqn());
        }
        claim.setStatus(new VolumeClaimStatus(generation(claim), conditions.set(previousConditions(claim),
                Conditions.READY, true, BOUND, "served by " + portal + " with " + served.healthyReplicas() + " of "
                        + target.getSpec().replicationFactor() + " replicas healthy", generation(claim)),
                VolumePhase.BOUND, served.capacityBytes(), portal, target.getSpec().iqn(),
                VolumeObjects.chapSecretName(claim), target.getMetadata().getName()));
        return UpdateControl.patchStatus(claim);
    }

    @Override
    public DeleteControl cleanup(VolumeClaim claim, Context<VolumeClaim> context) {
        KubernetesClient client = context.getClient();
        String namespace = claim.getMetadata().getNamespace();
        String server = VolumeObjects.targetServerName(claim);
        client.apps().deployments().inNamespace(namespace).withName(server).delete();
        client.services().inNamespace(namespace).withName(server).delete();
        client.resources(VolumeTarget.class).inNamespace(namespace).withName(claim.getMetadata().getName()).delete();
        client.resources(VolumeReplica.class).inNamespace(namespace)
                .withLabel(VolumeObjects.VOLUME_LABEL, claim.getMetadata().getName()).delete();
        client.secrets().inNamespace(namespace).withName(VolumeObjects.chapSecretName(claim)).delete();
        return DeleteControl.defaultDelete();
    }

    private Placement place(KubernetesClient client, VolumeClaim claim) {
        String namespace = claim.getMetadata().getNamespace();
        List<PoolCandidate> candidates = client.resources(StoragePool.class).inNamespace(namespace).list().getItems()
                .stream()
                .filter(pool -> claim.getSpec().poolCluster().equals(pool.getSpec().poolCluster()))
                .map(VolumeClaimReconciler::candidate)
                .toList();
        Set<String> kept = replicasOf(client, claim).stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        Set<String> allowed = cloneSourceReplicas(client, claim).keySet();
        return placer.place(new PlacementRequest(claim.getSpec().effectiveReplicaCount(),
                claim.getSpec().capacityBytes(), kept, allowed), candidates);
    }

    /** Creates the volume's replicas, CHAP Secret and VolumeTarget on the chosen pools. */
    private VolumeTarget provision(KubernetesClient client, VolumeClaim claim, List<String> pools) {
        String namespace = claim.getMetadata().getNamespace();
        Map<String, StoragePool> byName = client.resources(StoragePool.class).inNamespace(namespace).list().getItems()
                .stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
        Map<String, VolumeReplica> sourceReplicas = cloneSourceReplicas(client, claim);
        List<ReplicaEndpoint> endpoints = pools.stream().map(poolName -> {
            String replicaName = VolumeObjects.replicaName(claim, poolName);
            VolumeReplica replica = new VolumeReplica();
            replica.setMetadata(VolumeObjects.ownedBy(claim, replicaName));
            SnapshotLayer cloneOf = Optional.ofNullable(sourceReplicas.get(poolName))
                    .map(source -> new SnapshotLayer(source.getMetadata().getName(), claim.getSpec().source().snapshot()))
                    .orElse(null);
            replica.setSpec(new VolumeReplicaSpec(claim.getMetadata().getName(), poolName,
                    claim.getSpec().capacityBytes(), cloneOf));
            ensureCreated(client, replica);
            return new ReplicaEndpoint(replicaName, poolName, PoolServerTemplate.replicaEndpoint(byName.get(poolName)));
        }).toList();
        ensureCreated(client, chapSecret(claim));
        int replicationFactor = claim.getSpec().effectiveReplicaCount();
        VolumeTarget target = new VolumeTarget();
        target.setMetadata(VolumeObjects.ownedBy(claim, claim.getMetadata().getName()));
        target.setSpec(new VolumeTargetSpec(claim.getMetadata().getName(), VolumeObjects.iqn(claim),
                claim.getSpec().capacityBytes(), replicationFactor, replicationFactor / 2 + 1, endpoints,
                claim.getSpec().nodeName(), VolumeObjects.chapSecretName(claim)));
        return ensureCreated(client, target);
    }

    private Secret chapSecret(VolumeClaim claim) {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(CHAP_ALPHABET.charAt(random.nextInt(CHAP_ALPHABET.length())));
        }
        return new SecretBuilder()
                .withMetadata(VolumeObjects.ownedBy(claim, VolumeObjects.chapSecretName(claim)))
                .addToData(ChapSecret.USERNAME, base64(claim.getMetadata().getName()))
                .addToData(ChapSecret.PASSWORD, base64(password.toString()))
                .build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Why a clone cannot be placed yet, if it cannot. */
    private static Optional<String> cloneSourceProblem(KubernetesClient client, VolumeClaim claim) {
        VolumeSource source = claim.getSpec().source();
        if (source == null) {
            return Optional.empty();
        }
        if (source.volume() != null) {
            return Optional.of("cloning volume " + source.volume() + " directly is not available yet; take a"
                    + " VolumeSnapshot of it and clone the snapshot");
        }
        BlockSnapshot snapshot = client.resources(BlockSnapshot.class).inNamespace(claim.getMetadata().getNamespace())
                .withName(source.snapshot()).get();
        if (snapshot == null) {
            return Optional.of("source snapshot " + source.snapshot() + " does not exist");
        }
        if (snapshot.getStatus() == null || !Boolean.TRUE.equals(snapshot.getStatus().readyToUse())) {
            return Optional.of("source snapshot " + source.snapshot() + " is not ready to use yet");
        }
        return Optional.empty();
    }

    /** For a clone of a snapshot: the source volume's replicas by pool, whose layers the clone builds on. */
    private static Map<String, VolumeReplica> cloneSourceReplicas(KubernetesClient client, VolumeClaim claim) {
        VolumeSource source = claim.getSpec().source();
        if (source == null || source.snapshot() == null) {
            return Map.of();
        }
        String namespace = claim.getMetadata().getNamespace();
        BlockSnapshot snapshot = client.resources(BlockSnapshot.class).inNamespace(namespace)
                .withName(source.snapshot()).get();
        if (snapshot == null) {
            return Map.of();
        }
        return client.resources(VolumeReplica.class).inNamespace(namespace)
                .withLabel(VolumeObjects.VOLUME_LABEL, snapshot.getSpec().sourceVolume()).list().getItems().stream()
                .collect(Collectors.toMap(r -> r.getSpec().pool(), Function.identity(), (a, b) -> a));
    }

    private static List<VolumeReplica> replicasOf(KubernetesClient client, VolumeClaim claim) {
        return client.resources(VolumeReplica.class).inNamespace(claim.getMetadata().getNamespace())
                .withLabel(VolumeObjects.VOLUME_LABEL, claim.getMetadata().getName()).list().getItems();
    }

    private static PoolCandidate candidate(StoragePool pool) {
        boolean online = pool.getStatus() != null && pool.getStatus().phase() == PoolPhase.ONLINE;
        long free = online && pool.getStatus().freeBytes() != null ? pool.getStatus().freeBytes() : 0;
        long used = online && pool.getStatus().usedBytes() != null ? pool.getStatus().usedBytes() : 0;
        return new PoolCandidate(pool.getMetadata().getName(), pool.getSpec().nodeName(), online, free, used);
    }

    /** The address initiators reach the target at: the Service's cluster IP, else its DNS name. */
    private static String portal(Service service) {
        String clusterIp = service.getSpec().getClusterIP();
        String host = clusterIp == null || clusterIp.isEmpty() || "None".equals(clusterIp)
                ? service.getMetadata().getName() + "." + service.getMetadata().getNamespace() + ".svc"
                : clusterIp;
        return host + ":" + TargetServerTemplate.ISCSI_PORT;
    }

    /** The object as it exists, created from {@code desired} if it did not. */
    private static <T extends HasMetadata> T ensureCreated(KubernetesClient client, T desired) {
        T existing = client.resource(desired).get();
        return existing != null ? existing : client.resource(desired).create();
    }

    private UpdateControl<VolumeClaim> pending(VolumeClaim claim, String reason, String message) {
        VolumeClaimStatus previous = claim.getStatus();
        claim.setStatus(new VolumeClaimStatus(generation(claim),
                conditions.set(previousConditions(claim), Conditions.READY, false, reason, message, generation(claim)),
                VolumePhase.PENDING, previous == null ? null : previous.capacityBytes(), null, null, null,
                previous == null ? null : previous.volumeTarget()));
        return UpdateControl.patchStatus(claim);
    }

    private static List<Condition> previousConditions(VolumeClaim claim) {
        return claim.getStatus() == null ? null : claim.getStatus().conditions();
    }

    private static long generation(VolumeClaim claim) {
        return claim.getMetadata().getGeneration() == null ? 0 : claim.getMetadata().getGeneration();
    }
}
