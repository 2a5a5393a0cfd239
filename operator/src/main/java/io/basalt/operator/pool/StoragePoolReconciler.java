package io.basalt.operator.pool;

import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.PoolStatusResponse;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.PoolApi;
import io.basalt.operator.engine.ServiceAddresses;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.placement.Sizes;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StoragePool: its status follows the pool server's management API, polled every few seconds. The
 * Ready condition's lastTransitionTime says since when a pool is offline, which decides when its
 * replicas are replaced elsewhere. A pool that answers also loses the replicas no VolumeReplica claims
 * any more: those of volumes deleted, or replaced, while it was away.
 */
@ControllerConfiguration(name = "storagepool")
public final class StoragePoolReconciler implements Reconciler<StoragePool> {

    public static final String ONLINE = "Online";
    public static final String UNREACHABLE = "Unreachable";
    public static final String WAITING_FOR_ADDRESS = "WaitingForServiceAddress";
    private static final Logger LOG = LoggerFactory.getLogger(StoragePoolReconciler.class);

    private final EngineClients engines;
    private final Conditions conditions;
    private final Duration interval;

    public StoragePoolReconciler(EngineClients engines, Conditions conditions, Duration interval) {
        this.engines = engines;
        this.conditions = conditions;
        this.interval = interval;
    }

    @Override
    public UpdateControl<StoragePool> reconcile(StoragePool pool, Context<StoragePool> context) {
        KubernetesClient client = context.getClient();
        String server = PoolServerTemplate.serverName(pool);
        Optional<String> ip = ServiceAddresses.clusterIp(client, pool.getMetadata().getNamespace(), server);
        StoragePoolStatus status;
        if (ip.isEmpty()) {
            status = offline(pool, WAITING_FOR_ADDRESS, "Service " + server + " has no cluster IP yet", null, null);
        } else {
            String replicaEndpoint = ServiceAddresses.hostPort(ip.get(), PoolServerTemplate.REPLICA_PORT);
            String managementEndpoint = ServiceAddresses.hostPort(ip.get(), PoolServerTemplate.MANAGEMENT_PORT);
            PoolApi api = engines.pool(managementEndpoint);
            try {
                status = online(pool, api.status(), replicaEndpoint, managementEndpoint);
                deleteUnclaimedReplicas(client, pool, api);
            } catch (EngineCallException e) {
                status = offline(pool, UNREACHABLE, "pool server on node " + pool.getSpec().nodeName()
                        + " does not answer: " + e.getMessage(), replicaEndpoint, managementEndpoint);
            }
        }
        if (pool.getStatus() != null && pool.getStatus().phase() != status.phase()) {
            LOG.atInfo().addKeyValue("pool", pool.getMetadata().getName()).addKeyValue("phase", status.phase())
                    .log("pool changed phase");
        }
        if (Objects.equals(pool.getStatus(), status)) {
            return UpdateControl.<StoragePool>noUpdate().rescheduleAfter(interval);
        }
        return StatusWriter.write(context.getClient(), pool, status).rescheduleAfter(interval);
    }

    private StoragePoolStatus online(StoragePool pool, PoolStatusResponse answer, String replicaEndpoint,
                                     String managementEndpoint) {
        String message = Sizes.human(answer.getFreeBytes()) + " free of " + Sizes.human(answer.getCapacityBytes())
                + ", " + answer.getReplicaCount() + " replicas"
                + (answer.getHealth() == Health.DEGRADED ? "; " + answer.getHealthReason() : "");
        boolean healthy = answer.getHealth() != Health.OFFLINE;
        String reason = healthy ? ONLINE : UNREACHABLE;
        return new StoragePoolStatus(generation(pool),
                conditions.set(previous(pool), Conditions.READY, healthy, reason,
                        healthy ? message : answer.getHealthReason(), generation(pool)),
                healthy ? PoolPhase.ONLINE : PoolPhase.OFFLINE, replicaEndpoint, managementEndpoint,
                answer.getCapacityBytes(), answer.getUsedBytes(), answer.getFreeBytes(), answer.getReplicaCount());
    }

    /** Offline, keeping the last figures the pool reported: its data is still there. */
    private StoragePoolStatus offline(StoragePool pool, String reason, String message, String replicaEndpoint,
                                      String managementEndpoint) {
        StoragePoolStatus last = pool.getStatus();
        return new StoragePoolStatus(generation(pool),
                conditions.set(previous(pool), Conditions.READY, false, reason, message, generation(pool)),
                PoolPhase.OFFLINE, replicaEndpoint, managementEndpoint,
                last == null ? null : last.capacityBytes(), last == null ? null : last.usedBytes(),
                last == null ? null : last.freeBytes(), last == null ? null : last.replicaCount());
    }

    /**
     * Deletes the pool's replicas that no VolumeReplica names. The list is read from the API server,
     * not a cache: a VolumeReplica is always written before its replica is created on the pool.
     */
    private void deleteUnclaimedReplicas(KubernetesClient client, StoragePool pool, PoolApi api) {
        String poolName = pool.getMetadata().getName();
        Set<String> claimed = client.resources(VolumeReplica.class).inNamespace(pool.getMetadata().getNamespace())
                .list().getItems().stream()
                .filter(r -> poolName.equals(r.getSpec().pool()))
                .map(r -> r.getMetadata().getName())
                .collect(Collectors.toSet());
        List<ReplicaInfo> unclaimed = api.replicas().stream().filter(r -> !claimed.contains(r.getName())).toList();
        if (unclaimed.isEmpty()) {
            return;
        }
        EventRecorder events = new EventRecorder(client, Clock.systemUTC());
        for (ReplicaInfo replica : unclaimed) {
            api.deleteReplica(replica.getName());
            LOG.atInfo().addKeyValue("pool", poolName).addKeyValue("replica", replica.getName())
                    .log("deleted a replica no VolumeReplica claims");
            events.normal(pool, "UnclaimedReplicaDeleted", "deleted replica " + replica.getName()
                    + ": no VolumeReplica claims it (its volume was deleted or moved while the pool was away)");
        }
    }

    private static List<Condition> previous(StoragePool pool) {
        return pool.getStatus() == null ? null : pool.getStatus().conditions();
    }

    private static long generation(StoragePool pool) {
        return pool.getMetadata().getGeneration() == null ? 0 : pool.getMetadata().getGeneration();
    }
}
