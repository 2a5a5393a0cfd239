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
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.operator.OperatorSettings;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.ServiceAddresses;
import io.basalt.operator.engine.TargetApi;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.placement.Placement;
import io.basalt.operator.placement.PlacementRequest;
import io.basalt.operator.placement.PoolCandidate;
import io.basalt.operator.placement.ReplicaPlacer;
import io.basalt.operator.placement.Sizes;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
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
import io.javaoperatorsdk.operator.processing.event.ResourceID;
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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * VolumeClaim: waits for its consumer, places replicas, runs the volume's target, binds once the
 * target serves with a quorum, grows it, replaces lost replicas, and on deletion removes everything
 * the volume is made of. Every wait is a condition's reason, with a message that says what would end it.
 */
@ControllerConfiguration(name = "volumeclaim")
public final class VolumeClaimReconciler implements Reconciler<VolumeClaim>, Cleaner<VolumeClaim> {

    static final String WAITING_FOR_CONSUMER = "WaitingForConsumer";
    static final String WAITING_FOR_TARGET = "WaitingForTarget";
    static final String WAITING_FOR_ADDRESS = "WaitingForServiceAddress";
    static final String CLONE_SOURCE_UNAVAILABLE = "CloneSourceUnavailable";
    static final String BOUND = "Bound";
    static final String RESIZING = "Resizing";
    static final String REPLACING = "ReplacingReplicas";
    static final String DELETING = "Deleting";
    private static final Duration RETRY_PLACEMENT = Duration.ofSeconds(15);
    private static final Duration RECHECK_TARGET_STOPPED = Duration.ofSeconds(1);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final TargetServerTemplate targetServer;
    private final ReplicaPlacer placer;
    private final Conditions conditions;
    private final EngineClients engines;
    private final ReplicaReplacement replacement;
    private final Duration interval;
    private final SecureRandom random = new SecureRandom();

    public VolumeClaimReconciler(OperatorSettings settings, EngineClients engines, ReplicaPlacer placer,
                                 Conditions conditions) {
        this.targetServer = new TargetServerTemplate(settings.engineImage());
        this.placer = placer;
        this.conditions = conditions;
        this.engines = engines;
        this.replacement = new ReplicaReplacement(placer, settings.replicaGracePeriod(), Clock.systemUTC());
        this.interval = settings.statusInterval();
    }

    @Override
    public List<EventSource<?, VolumeClaim>> prepareEventSources(EventSourceContext<VolumeClaim> context) {
        return List.of(
                new InformerEventSource<>(InformerEventSourceConfiguration.from(VolumeTarget.class, VolumeClaim.class)
                        .withName("claim-targets")
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VolumeClaim.class))
                        .build(), context),
                new InformerEventSource<>(InformerEventSourceConfiguration.from(VolumeReplica.class, VolumeClaim.class)
                        .withName("claim-replicas")
                        .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(VolumeClaim.class))
                        .build(), context),
                // A pool that comes online or frees space may end a claim's wait for pools.
                new InformerEventSource<>(InformerEventSourceConfiguration.from(StoragePool.class, VolumeClaim.class)
                        .withName("claim-pools")
                        .withSecondaryToPrimaryMapper(pool -> context.getPrimaryCache().list()
                                .filter(c -> c.getSpec().poolCluster().equals(pool.getSpec().poolCluster()))
                                .filter(c -> c.getStatus() == null || c.getStatus().phase() != VolumePhase.BOUND)
                                .map(ResourceID::fromResource)
                                .collect(Collectors.toSet()))
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
                return pending(client, claim, WAITING_FOR_CONSUMER, "no pod uses the volume yet; Basalt provisions"
                        + " it when the first node stages it, so its target can run on that node");
            }
            Optional<String> unavailableSource = cloneSourceProblem(client, claim);
            if (unavailableSource.isPresent()) {
                return pending(client, claim, CLONE_SOURCE_UNAVAILABLE, unavailableSource.get())
                        .rescheduleAfter(RETRY_PLACEMENT);
            }
            Placement placement = place(client, claim);
            if (placement instanceof Placement.NotEnoughPools notEnough) {
                events.warning(claim, Placement.NotEnoughPools.REASON, notEnough.message());
                return pending(client, claim, Placement.NotEnoughPools.REASON, notEnough.message()
                        + "; add pools to pool cluster " + claim.getSpec().poolCluster() + " or free space")
                        .rescheduleAfter(RETRY_PLACEMENT);
            }
            target = provision(client, claim, ((Placement.Placed) placement).pools());
            events.normal(claim, "Provisioning", "replicas placed on " + target.getSpec().replicas().stream()
                    .map(ReplicaEndpoint::pool).collect(Collectors.joining(", ")));
        }
        ensureCreated(client, replicaSecrets(claim));
        ensureCreated(client, targetServer.service(claim));
        Optional<String> ip = ServiceAddresses.clusterIp(client, namespace, VolumeObjects.targetServerName(claim));
        if (ip.isEmpty()) {
            return pending(client, claim, WAITING_FOR_ADDRESS, "Service " + VolumeObjects.targetServerName(claim)
                    + " has no cluster IP yet; the target's portal is that address").rescheduleAfter(interval);
        }
        String portal = ServiceAddresses.hostPort(ip.get(), TargetServerTemplate.ISCSI_PORT);
        target = grow(client, claim, target, events);
        ReplicaReplacement.Outcome outcome = replacement.advance(client, claim, target, pools(client, claim), events);
        target = outcome.target();
        List<String> replacing = outcome.underWay();
        ensureTargetServer(client, claim, targetServer.deployment(claim, target, portal),
                engines.target(ServiceAddresses.hostPort(ip.get(), TargetServerTemplate.MANAGEMENT_PORT)), events);
        List<Condition> current = previousConditions(claim);
        current = replacingCondition(claim, current, replacing);
        current = resizingCondition(claim, current, target);
        VolumeTargetStatus served = target.getStatus();
        int consistencyFactor = target.getSpec().consistencyFactor();
        if (served == null || served.healthyReplicas() == null || served.healthyReplicas() < consistencyFactor
                || served.phase() == TargetPhase.OFFLINE || served.phase() == TargetPhase.INIT) {
            int healthy = served == null || served.healthyReplicas() == null ? 0 : served.healthyReplicas();
            boolean wasBound = claim.getStatus() != null && claim.getStatus().phase() == VolumePhase.BOUND;
            String message = "target " + target.getMetadata().getName() + " serves with " + healthy + " of "
                    + target.getSpec().replicationFactor() + " replicas healthy; it needs " + consistencyFactor
                    + " to accept writes";
            current = conditions.set(current, Conditions.READY, false, wasBound ? "TargetOffline" : WAITING_FOR_TARGET,
                    message, generation(claim));
            // A volume once bound stays bound: its portal and IQN do not change while the target recovers.
            return status(client, claim, current, wasBound ? VolumePhase.BOUND : VolumePhase.PENDING,
                    wasBound ? claim.getStatus().capacityBytes() : null, wasBound ? portal : null, target);
        }
        if (claim.getStatus() == null || claim.getStatus().phase() != VolumePhase.BOUND) {
            events.normal(claim, BOUND, "served by " + portal + " as " + target.getSpec().iqn());
        }
        current = conditions.set(current, Conditions.READY, true, BOUND, "served by " + portal + " with "
                + served.healthyReplicas() + " of " + target.getSpec().replicationFactor() + " replicas healthy",
                generation(claim));
        return status(client, claim, current, VolumePhase.BOUND, served.capacityBytes(), portal, target);
    }

    @Override
    public DeleteControl cleanup(VolumeClaim claim, Context<VolumeClaim> context) {
        KubernetesClient client = context.getClient();
        String namespace = claim.getMetadata().getNamespace();
        String name = claim.getMetadata().getName();
        String server = VolumeObjects.targetServerName(claim);
        client.apps().deployments().inNamespace(namespace).withName(server).delete();
        client.services().inNamespace(namespace).withName(server).delete();
        client.resources(VolumeTarget.class).inNamespace(namespace).withName(name).delete();
        client.secrets().inNamespace(namespace).withName(VolumeObjects.chapSecretName(claim)).delete();
        List<String> snapshots = client.resources(BlockSnapshot.class).inNamespace(namespace).list().getItems().stream()
                .filter(s -> name.equals(s.getSpec().sourceVolume()))
                .map(s -> s.getMetadata().getName())
                .sorted()
                .toList();
        if (!snapshots.isEmpty()) {
            String message = "target removed; the replicas stay while snapshots " + String.join(", ", snapshots)
                    + " of the volume exist (their layers live in them)";
            if (!message.equals(conditionMessage(claim, DELETING))) {
                new EventRecorder(client, Clock.systemUTC()).normal(claim, "KeptForSnapshots", message);
                client.resources(VolumeClaim.class).inNamespace(namespace).withName(name).editStatus(c -> {
                    c.setStatus(withConditions(c.getStatus(), conditions.set(previousConditions(c), DELETING, true,
                            "KeptForSnapshots", message, generation(c))));
                    return c;
                });
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(interval);
        }
        if (!client.pods().inNamespace(namespace).withLabels(TargetServerTemplate.labels(claim)).list().getItems()
                .isEmpty()) {
            // The target flushes to its replicas as it stops; deleting them under it would fail its last writes.
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_TARGET_STOPPED);
        }
        client.resources(VolumeReplica.class).inNamespace(namespace).withLabel(VolumeObjects.VOLUME_LABEL, name).delete();
        return DeleteControl.defaultDelete();
    }

    /** Raises the target's and replicas' size to the claim's; the target then grows the LUN. */
    private static VolumeTarget grow(KubernetesClient client, VolumeClaim claim, VolumeTarget target,
                                     EventRecorder events) {
        long wanted = claim.getSpec().capacityBytes();
        if (target.getSpec().capacityBytes() >= wanted) {
            return target;
        }
        for (VolumeReplica replica : replicasOf(client, claim)) {
            if (replica.getSpec().capacityBytes() < wanted) {
                client.resources(VolumeReplica.class).inNamespace(replica.getMetadata().getNamespace())
                        .withName(replica.getMetadata().getName()).edit(r -> {
                            r.setSpec(new VolumeReplicaSpec(r.getSpec().volume(), r.getSpec().pool(), wanted,
                                    r.getSpec().cloneOf()));
                            return r;
                        });
            }
        }
        events.normal(claim, RESIZING, "growing from " + Sizes.human(target.getSpec().capacityBytes()) + " to "
                + Sizes.human(wanted));
        return client.resources(VolumeTarget.class).inNamespace(target.getMetadata().getNamespace())
                .withName(target.getMetadata().getName()).edit(t -> {
                    VolumeTargetSpec spec = t.getSpec();
                    t.setSpec(new VolumeTargetSpec(spec.volume(), spec.iqn(), wanted, spec.replicationFactor(),
                            spec.consistencyFactor(), spec.replicas(), spec.nodeName(), spec.chapSecretName()));
                    return t;
                });
    }

    private List<Condition> resizingCondition(VolumeClaim claim, List<Condition> current, VolumeTarget target) {
        long wanted = claim.getSpec().capacityBytes();
        Long served = target.getStatus() == null ? null : target.getStatus().capacityBytes();
        if (served != null && served < wanted) {
            return conditions.set(current, RESIZING, true, RESIZING, "growing from " + Sizes.human(served) + " to "
                    + Sizes.human(wanted) + targetResizeProblem(target), generation(claim));
        }
        // The target may have grown between two looks at the claim, which then never saw it growing.
        Long reported = claim.getStatus() == null ? null : claim.getStatus().capacityBytes();
        boolean grewUnseen = served != null && reported != null && served > reported;
        if (served != null && (conditionMessage(claim, RESIZING) != null || grewUnseen)) {
            return conditions.set(current, RESIZING, false, "Resized", "serves " + Sizes.human(served),
                    generation(claim));
        }
        return current;
    }

    private static String targetResizeProblem(VolumeTarget target) {
        return target.getStatus().conditions() == null ? "" : target.getStatus().conditions().stream()
                .filter(c -> VolumeTargetReconciler.RESIZING.equals(c.getType()) && "True".equals(c.getStatus()))
                .map(c -> "; " + c.getMessage()).findFirst().orElse("");
    }

    private List<Condition> replacingCondition(VolumeClaim claim, List<Condition> current, List<String> underWay) {
        if (!underWay.isEmpty()) {
            return conditions.set(current, REPLACING, true, REPLACING, String.join("; ", underWay), generation(claim));
        }
        if (conditionMessage(claim, REPLACING) != null) {
            return conditions.set(current, REPLACING, false, "AllReplicasInPlace", "every replica is on an online pool",
                    generation(claim));
        }
        return current;
    }

    private Placement place(KubernetesClient client, VolumeClaim claim) {
        List<PoolCandidate> candidates = pools(client, claim).values().stream()
                .map(VolumeClaimReconciler::candidate)
                .toList();
        Set<String> kept = replicasOf(client, claim).stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        Set<String> allowed = cloneSourceReplicas(client, claim).keySet();
        return placer.place(new PlacementRequest(claim.getSpec().effectiveReplicaCount(),
                claim.getSpec().capacityBytes(), kept, allowed), candidates);
    }

    /** The pools of the claim's pool cluster, by name. */
    private static Map<String, StoragePool> pools(KubernetesClient client, VolumeClaim claim) {
        return client.resources(StoragePool.class).inNamespace(claim.getMetadata().getNamespace()).list().getItems()
                .stream()
                .filter(pool -> claim.getSpec().poolCluster().equals(pool.getSpec().poolCluster()))
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
    }

    /** Creates the volume's replicas, Secret and VolumeTarget on the chosen pools. */
    private VolumeTarget provision(KubernetesClient client, VolumeClaim claim, List<String> pools) {
        Map<String, StoragePool> byName = pools(client, claim);
        Map<String, VolumeReplica> sourceReplicas = cloneSourceReplicas(client, claim);
        List<ReplicaEndpoint> endpoints = pools.stream().map(poolName -> {
            String replicaName = VolumeObjects.replicaName(claim, poolName);
            VolumeReplica replica = new VolumeReplica();
            replica.setMetadata(VolumeObjects.ownedBy(claim, replicaName));
            SnapshotLayer cloneOf = claim.getSpec().source() == null ? null
                    : Optional.ofNullable(sourceReplicas.get(poolName))
                            .map(source -> new SnapshotLayer(source.getMetadata().getName(),
                                    claim.getSpec().source().snapshot()))
                            .orElseThrow(() -> new IllegalStateException("clone " + claim.getMetadata().getName()
                                    + " placed on pool " + poolName + ", which holds no layer of its snapshot"));
            replica.setSpec(new VolumeReplicaSpec(claim.getMetadata().getName(), poolName,
                    claim.getSpec().capacityBytes(), cloneOf));
            ensureCreated(client, replica);
            return new ReplicaEndpoint(replicaName, poolName, byName.get(poolName).getStatus().replicaEndpoint());
        }).toList();
        ensureCreated(client, replicaSecrets(claim));
        int replicationFactor = claim.getSpec().effectiveReplicaCount();
        VolumeTarget target = new VolumeTarget();
        target.setMetadata(VolumeObjects.ownedBy(claim, claim.getMetadata().getName()));
        target.setSpec(new VolumeTargetSpec(claim.getMetadata().getName(), VolumeObjects.iqn(claim),
                claim.getSpec().capacityBytes(), replicationFactor, replicationFactor / 2 + 1, endpoints,
                claim.getSpec().nodeName(), VolumeObjects.chapSecretName(claim)));
        return ensureCreated(client, target);
    }

    /** The volume's Secret: CHAP credentials for initiators and the replica secret for target and pools. */
    private Secret replicaSecrets(VolumeClaim claim) {
        return new SecretBuilder()
                .withMetadata(VolumeObjects.ownedBy(claim, VolumeObjects.chapSecretName(claim)))
                .addToData(ChapSecret.USERNAME, base64(claim.getMetadata().getName()))
                .addToData(ChapSecret.PASSWORD, base64(randomText(16)))
                .addToData(ChapSecret.REPLICA_SECRET, base64(randomText(48)))
                .build();
    }

    private String randomText(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
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
        // A clone replica without a layer to start from would read zeros where the snapshot has data.
        if (cloneSourceReplicas(client, claim).isEmpty()) {
            return Optional.of("no replica of volume " + snapshot.getSpec().sourceVolume() + " holds a layer of"
                    + " snapshot " + source.snapshot() + " any more");
        }
        return Optional.empty();
    }

    /**
     * For a clone of a snapshot: the source replicas holding the snapshot's layers, by pool; a clone's
     * replicas start from those layers on the same pools.
     */
    private static Map<String, VolumeReplica> cloneSourceReplicas(KubernetesClient client, VolumeClaim claim) {
        VolumeSource source = claim.getSpec().source();
        if (source == null || source.snapshot() == null) {
            return Map.of();
        }
        String namespace = claim.getMetadata().getNamespace();
        BlockSnapshot snapshot = client.resources(BlockSnapshot.class).inNamespace(namespace)
                .withName(source.snapshot()).get();
        if (snapshot == null || snapshot.getStatus() == null || snapshot.getStatus().layers() == null) {
            return Map.of();
        }
        Set<String> holders = snapshot.getStatus().layers().stream().map(SnapshotLayer::replica)
                .collect(Collectors.toSet());
        return client.resources(VolumeReplica.class).inNamespace(namespace)
                .withLabel(VolumeObjects.VOLUME_LABEL, snapshot.getSpec().sourceVolume()).list().getItems().stream()
                .filter(r -> holders.contains(r.getMetadata().getName()))
                .collect(Collectors.toMap(r -> r.getSpec().pool(), Function.identity(), (a, b) -> a));
    }

    static List<VolumeReplica> replicasOf(KubernetesClient client, VolumeClaim claim) {
        return client.resources(VolumeReplica.class).inNamespace(claim.getMetadata().getNamespace())
                .withLabel(VolumeObjects.VOLUME_LABEL, claim.getMetadata().getName()).list().getItems();
    }

    static PoolCandidate candidate(StoragePool pool) {
        boolean online = pool.getStatus() != null && pool.getStatus().phase() == PoolPhase.ONLINE
                && pool.getStatus().replicaEndpoint() != null;
        long free = online && pool.getStatus().freeBytes() != null ? pool.getStatus().freeBytes() : 0;
        long used = online && pool.getStatus().usedBytes() != null ? pool.getStatus().usedBytes() : 0;
        return new PoolCandidate(pool.getMetadata().getName(), pool.getSpec().nodeName(), online, free, used);
    }

    /**
     * Creates the target's Deployment. Its arguments are only the replicas the target starts with: a
     * serving target follows its VolumeTarget through the management API, and a new pod template would
     * restart it and drop every initiator's session. So the template is brought up to date only when
     * the restart costs nothing: no pod of the Deployment is ready, or the target does not serve (it
     * does not answer, or it is Offline, for instance because it restarted with a list on which the
     * volume cannot open).
     */
    private static void ensureTargetServer(KubernetesClient client, VolumeClaim claim, Deployment desired,
                                           TargetApi api, EventRecorder events) {
        Deployment current = client.resource(desired).get();
        if (current == null) {
            client.resource(desired).create();
            return;
        }
        if (Objects.equals(current.getSpec().getTemplate().getSpec().getContainers(),
                desired.getSpec().getTemplate().getSpec().getContainers())) {
            return;
        }
        Optional<String> idle = notServing(current, api);
        if (idle.isEmpty()) {
            return;
        }
        client.apps().deployments().inNamespace(desired.getMetadata().getNamespace())
                .withName(desired.getMetadata().getName()).edit(d -> {
                    d.getSpec().setTemplate(desired.getSpec().getTemplate());
                    return d;
                });
        events.normal(claim, "TargetServerUpdated", "the target starts with the VolumeTarget's replicas from now on"
                + " (updated while " + idle.get() + ")");
    }

    /** Why restarting the target's pod would interrupt nobody, if it would not. */
    private static Optional<String> notServing(Deployment deployment, TargetApi api) {
        Integer ready = deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        if (ready == null || ready == 0) {
            return Optional.of("no target pod is ready");
        }
        try {
            TargetStatusResponse answer = api.status();
            return answer.getHealth() == Health.OFFLINE
                    ? Optional.of("the target is offline: " + answer.getHealthReason())
                    : Optional.empty();
        } catch (EngineCallException e) {
            return Optional.of("the target does not answer");
        }
    }

    /** The object as it exists, created from {@code desired} if it did not. */
    private static <T extends HasMetadata> T ensureCreated(KubernetesClient client, T desired) {
        T existing = client.resource(desired).get();
        return existing != null ? existing : client.resource(desired).create();
    }

    private UpdateControl<VolumeClaim> pending(KubernetesClient client, VolumeClaim claim, String reason,
                                               String message) {
        List<Condition> current = conditions.set(previousConditions(claim), Conditions.READY, false, reason, message,
                generation(claim));
        VolumeClaimStatus previous = claim.getStatus();
        VolumeClaimStatus status = new VolumeClaimStatus(generation(claim), current, VolumePhase.PENDING,
                previous == null ? null : previous.capacityBytes(), null, null, null,
                previous == null ? null : previous.volumeTarget());
        return patchIfChanged(client, claim, status);
    }

    private UpdateControl<VolumeClaim> status(KubernetesClient client, VolumeClaim claim, List<Condition> current,
                                              VolumePhase phase, Long capacity, String portal, VolumeTarget target) {
        boolean bound = phase == VolumePhase.BOUND;
        VolumeClaimStatus status = new VolumeClaimStatus(generation(claim), current, phase, capacity, portal,
                bound ? target.getSpec().iqn() : null, bound ? VolumeObjects.chapSecretName(claim) : null,
                target.getMetadata().getName());
        return patchIfChanged(client, claim, status).rescheduleAfter(interval);
    }

    private static UpdateControl<VolumeClaim> patchIfChanged(KubernetesClient client, VolumeClaim claim,
                                                             VolumeClaimStatus status) {
        if (Objects.equals(claim.getStatus(), status)) {
            return UpdateControl.noUpdate();
        }
        return StatusWriter.write(client, claim, status);
    }

    private static VolumeClaimStatus withConditions(VolumeClaimStatus status, List<Condition> current) {
        return status == null ? new VolumeClaimStatus(null, current, null, null, null, null, null, null)
                : new VolumeClaimStatus(status.observedGeneration(), current, status.phase(), status.capacityBytes(),
                        status.targetPortal(), status.iqn(), status.chapSecretName(), status.volumeTarget());
    }

    private static String conditionMessage(VolumeClaim claim, String type) {
        List<Condition> current = previousConditions(claim);
        return current == null ? null : current.stream().filter(c -> type.equals(c.getType()))
                .map(Condition::getMessage).findFirst().orElse(null);
    }

    private static List<Condition> previousConditions(VolumeClaim claim) {
        return claim.getStatus() == null ? null : claim.getStatus().conditions();
    }

    private static long generation(VolumeClaim claim) {
        return claim.getMetadata().getGeneration() == null ? 0 : claim.getMetadata().getGeneration();
    }
}
