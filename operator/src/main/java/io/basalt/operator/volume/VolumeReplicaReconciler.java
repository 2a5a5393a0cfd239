package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.ReplicaSnapshot;
import io.basalt.api.v1alpha1.ReplicaState;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaStatus;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.engine.management.v1.CloneSource;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.PoolApi;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VolumeReplica: creates the replica on its pool (with the volume's replica secret; a clone's from its
 * snapshot layer) and reports it as its pool and its target see it. Deleting a VolumeReplica deletes the
 * replica's data; when its pool is away, the pool deletes it on its return (see StoragePoolReconciler).
 */
@ControllerConfiguration(name = "volumereplica")
public final class VolumeReplicaReconciler implements Reconciler<VolumeReplica>, Cleaner<VolumeReplica> {

    static final String CREATED = "Created";
    private static final Logger LOG = LoggerFactory.getLogger(VolumeReplicaReconciler.class);

    private final EngineClients engines;
    private final Conditions conditions;
    private final Duration interval;

    public VolumeReplicaReconciler(EngineClients engines, Conditions conditions, Duration interval) {
        this.engines = engines;
        this.conditions = conditions;
        this.interval = interval;
    }

    @Override
    public List<EventSource<?, VolumeReplica>> prepareEventSources(EventSourceContext<VolumeReplica> context) {
        // A pool or target that changes state is news for the replicas on it or behind it.
        return List.of(
                new InformerEventSource<>(InformerEventSourceConfiguration.from(StoragePool.class, VolumeReplica.class)
                        .withName("replica-pools")
                        .withSecondaryToPrimaryMapper(pool -> replicasWhere(context,
                                r -> pool.getMetadata().getName().equals(r.getSpec().pool())))
                        .build(), context),
                new InformerEventSource<>(InformerEventSourceConfiguration.from(VolumeTarget.class, VolumeReplica.class)
                        .withName("replica-targets")
                        .withSecondaryToPrimaryMapper(target -> replicasWhere(context,
                                r -> target.getSpec().volume().equals(r.getSpec().volume())))
                        .build(), context));
    }

    private static Set<ResourceID> replicasWhere(EventSourceContext<VolumeReplica> context,
                                                 Predicate<VolumeReplica> predicate) {
        return context.getPrimaryCache().list().filter(predicate).map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    @Override
    public UpdateControl<VolumeReplica> reconcile(VolumeReplica replica, Context<VolumeReplica> context) {
        VolumeReplicaStatus status = observe(context.getClient(), replica);
        if (Objects.equals(replica.getStatus(), status)) {
            return UpdateControl.<VolumeReplica>noUpdate().rescheduleAfter(interval);
        }
        return StatusWriter.write(context.getClient(), replica, status).rescheduleAfter(interval);
    }

    private VolumeReplicaStatus observe(KubernetesClient client, VolumeReplica replica) {
        String namespace = replica.getMetadata().getNamespace();
        StoragePool pool = client.resources(StoragePool.class).inNamespace(namespace)
                .withName(replica.getSpec().pool()).get();
        if (pool == null) {
            return status(replica, ReplicaPhase.ERROR, "PoolMissing", "StoragePool " + replica.getSpec().pool()
                    + " does not exist; the replica will be replaced", null);
        }
        if (!online(pool)) {
            return status(replica, ReplicaPhase.OFFLINE, "PoolOffline", "pool " + pool.getMetadata().getName()
                    + " on node " + pool.getSpec().nodeName() + " is offline" + offlineSince(pool), null);
        }
        PoolApi api = engines.pool(pool.getStatus().managementEndpoint());
        try {
            Optional<ReplicaInfo> info = api.replica(replica.getMetadata().getName());
            if (info.isEmpty() && created(replica)) {
                return status(replica, ReplicaPhase.ERROR, "ReplicaMissing", "pool " + pool.getMetadata().getName()
                        + " no longer has this replica; it will be replaced", null);
            }
            VolumeTarget target = client.resources(VolumeTarget.class).inNamespace(namespace)
                    .withName(replica.getSpec().volume()).get();
            Optional<ReplicaState> seen = seenByTarget(target, replica);
            if (info.isEmpty()) {
                Optional<String> secret = replicaSecret(client, replica);
                if (secret.isEmpty()) {
                    return status(replica, ReplicaPhase.INIT, "WaitingForSecret", "the volume's Secret "
                            + VolumeObjects.chapSecretName(replica.getSpec().volume()) + " does not exist yet", null);
                }
                info = Optional.of(create(api, replica, secret.get()));
                new EventRecorder(client, Clock.systemUTC()).normal(replica, CREATED, "created on pool "
                        + pool.getMetadata().getName() + (replica.getSpec().cloneOf() == null ? ""
                        : " from snapshot " + replica.getSpec().cloneOf().snapshot() + " of "
                        + replica.getSpec().cloneOf().replica()));
            }
            if (seen.isEmpty() && info.get().getSizeBytes() < replica.getSpec().capacityBytes()) {
                // Only before the target takes it in: from then on the target grows its replicas.
                info = Optional.of(api.resizeReplica(replica.getMetadata().getName(), replica.getSpec().capacityBytes()));
            }
            return fromTarget(replica, target, seen, info.get());
        } catch (EngineCallException e) {
            ReplicaPhase phase = e.unreachable() ? ReplicaPhase.OFFLINE : ReplicaPhase.ERROR;
            return status(replica, phase, e.unreachable() ? "PoolUnreachable" : "PoolRefused", e.getMessage(), null);
        }
    }

    private static ReplicaInfo create(PoolApi api, VolumeReplica replica, String secret) {
        Optional<CloneSource> cloneOf = Optional.ofNullable(replica.getSpec().cloneOf())
                .map(layer -> CloneSource.newBuilder().setReplica(layer.replica()).setSnapshot(layer.snapshot()).build());
        ReplicaInfo info = api.createReplica(replica.getMetadata().getName(), replica.getSpec().capacityBytes(),
                secret, cloneOf);
        LOG.atInfo().addKeyValue("replica", replica.getMetadata().getName()).addKeyValue("pool", replica.getSpec().pool())
                .addKeyValue("sizeBytes", info.getSizeBytes()).log("replica created on its pool");
        return info;
    }

    private VolumeReplicaStatus fromTarget(VolumeReplica replica, VolumeTarget target, Optional<ReplicaState> seen,
                                           ReplicaInfo info) {
        String targetName = replica.getSpec().volume();
        if (seen.isEmpty() || seen.get().mode() == null) {
            return status(replica, ReplicaPhase.INIT, "WaitingForTarget", "on its pool; target " + targetName
                    + (target == null || target.getStatus() == null ? " has not reported yet" : " has not taken it in yet"),
                    info);
        }
        ReplicaState state = seen.get();
        return switch (state.mode()) {
            case HEALTHY -> status(replica, ReplicaPhase.HEALTHY, "Healthy", "in the write set of target "
                    + targetName, info);
            case REBUILDING -> status(replica, ReplicaPhase.REBUILDING, "Rebuilding", "copying what it missed from a"
                    + " healthy replica: " + (state.rebuildProgressPercent() == null ? 0 : state.rebuildProgressPercent())
                    + "% done", info, state.rebuildProgressPercent());
            default -> status(replica, ReplicaPhase.DEGRADED, "OutOfWriteSet", "target " + targetName
                    + " cannot use it (its pool answers the operator); the target retries it", info);
        };
    }

    @Override
    public DeleteControl cleanup(VolumeReplica replica, Context<VolumeReplica> context) {
        StoragePool pool = context.getClient().resources(StoragePool.class)
                .inNamespace(replica.getMetadata().getNamespace()).withName(replica.getSpec().pool()).get();
        String name = replica.getMetadata().getName();
        if (pool == null || !online(pool)) {
            LOG.atInfo().addKeyValue("replica", name).addKeyValue("pool", replica.getSpec().pool())
                    .log("pool away: its replica is deleted when it returns");
            return DeleteControl.defaultDelete();
        }
        try {
            engines.pool(pool.getStatus().managementEndpoint()).deleteReplica(name);
            LOG.atInfo().addKeyValue("replica", name).addKeyValue("pool", replica.getSpec().pool())
                    .log("replica deleted from its pool");
        } catch (EngineCallException e) {
            if (!e.unreachable()) {
                throw e;
            }
            LOG.atInfo().addKeyValue("replica", name).addKeyValue("pool", replica.getSpec().pool())
                    .log("pool unreachable: its replica is deleted when it returns");
        }
        return DeleteControl.defaultDelete();
    }

    static boolean online(StoragePool pool) {
        return pool.getStatus() != null && pool.getStatus().phase() == PoolPhase.ONLINE
                && pool.getStatus().managementEndpoint() != null;
    }

    /** When a pool went offline, as the lastTransitionTime of its Ready condition. */
    static Optional<Instant> offlineSinceTime(StoragePool pool) {
        if (pool.getStatus() == null || pool.getStatus().conditions() == null || online(pool)) {
            return Optional.empty();
        }
        return pool.getStatus().conditions().stream()
                .filter(c -> Conditions.READY.equals(c.getType()) && "False".equals(c.getStatus()))
                .map(c -> Instant.parse(c.getLastTransitionTime()))
                .findFirst();
    }

    private static String offlineSince(StoragePool pool) {
        return offlineSinceTime(pool).map(t -> " since " + t).orElse("");
    }

    static boolean created(VolumeReplica replica) {
        return replica.getStatus() != null && replica.getStatus().conditions() != null
                && replica.getStatus().conditions().stream()
                        .anyMatch(c -> CREATED.equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Optional<ReplicaState> seenByTarget(VolumeTarget target, VolumeReplica replica) {
        if (target == null || target.getStatus() == null || target.getStatus().replicas() == null) {
            return Optional.empty();
        }
        return target.getStatus().replicas().stream()
                .filter(r -> replica.getMetadata().getName().equals(r.replica()))
                .findFirst();
    }

    private static Optional<String> replicaSecret(KubernetesClient client, VolumeReplica replica) {
        Secret secret = client.secrets().inNamespace(replica.getMetadata().getNamespace())
                .withName(VolumeObjects.chapSecretName(replica.getSpec().volume())).get();
        if (secret == null || secret.getData() == null || secret.getData().get(ChapSecret.REPLICA_SECRET) == null) {
            return Optional.empty();
        }
        return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(ChapSecret.REPLICA_SECRET)),
                StandardCharsets.UTF_8));
    }

    private VolumeReplicaStatus status(VolumeReplica replica, ReplicaPhase phase, String reason, String message,
                                       ReplicaInfo info) {
        return status(replica, phase, reason, message, info, null);
    }

    private VolumeReplicaStatus status(VolumeReplica replica, ReplicaPhase phase, String reason, String message,
                                       ReplicaInfo info, Integer rebuildProgress) {
        long generation = replica.getMetadata().getGeneration() == null ? 0 : replica.getMetadata().getGeneration();
        VolumeReplicaStatus previous = replica.getStatus();
        List<Condition> current = conditions.set(previous == null ? null : previous.conditions(), Conditions.READY,
                phase == ReplicaPhase.HEALTHY, reason, message, generation);
        if (info != null && !created(replica)) {
            current = conditions.set(current, CREATED, true, CREATED, "the replica exists on pool "
                    + replica.getSpec().pool(), generation);
        }
        if (info == null) {
            // The pool is not answering: what it said last still holds.
            return new VolumeReplicaStatus(generation, current, phase,
                    previous == null ? null : previous.capacityBytes(), previous == null ? null : previous.usedBytes(),
                    rebuildProgress, previous == null ? null : previous.snapshots());
        }
        List<ReplicaSnapshot> snapshots = info.getSnapshotsList().stream()
                .map(s -> new ReplicaSnapshot(s.getName(), Instant.ofEpochMilli(s.getCreatedMillis()).toString(),
                        s.getUsedBytes()))
                .toList();
        return new VolumeReplicaStatus(generation, current, phase, info.getSizeBytes(), info.getUsedBytes(),
                rebuildProgress, snapshots.isEmpty() ? null : snapshots);
    }
}
