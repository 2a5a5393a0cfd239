package io.basalt.operator.pool;

import io.basalt.api.v1alpha1.PoolEntry;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.StoragePoolClusterStatus;
import io.basalt.api.v1alpha1.StoragePoolSpec;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StoragePoolCluster: one StoragePool, pool-server Deployment and Service per pool entry. A pool that
 * leaves the spec is removed only once it holds no replicas; a pool never moves to another node or
 * directory, since that would strand its data.
 */
@ControllerConfiguration(name = "storagepoolcluster")
public final class StoragePoolClusterReconciler implements Reconciler<StoragePoolCluster>, Cleaner<StoragePoolCluster> {

    static final String CLUSTER_LABEL = "basalt.io/pool-cluster";
    private static final Logger LOG = LoggerFactory.getLogger(StoragePoolClusterReconciler.class);
    private static final Duration RECHECK_REMOVAL = Duration.ofSeconds(30);

    private final PoolServerTemplate template;
    private final Conditions conditions;

    public StoragePoolClusterReconciler(PoolServerTemplate template, Conditions conditions) {
        this.template = template;
        this.conditions = conditions;
    }

    /**
     * Every change of a StoragePool, its status included, reconciles the cluster that owns it at once,
     * so the cluster's counts follow its pools without a periodic pass.
     */
    @Override
    public List<EventSource<?, StoragePoolCluster>> prepareEventSources(EventSourceContext<StoragePoolCluster> context) {
        return List.of(new InformerEventSource<>(InformerEventSourceConfiguration
                .from(StoragePool.class, StoragePoolCluster.class)
                .withName("cluster-pools")
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(StoragePoolCluster.class))
                .build(), context));
    }

    @Override
    public UpdateControl<StoragePoolCluster> reconcile(StoragePoolCluster cluster, Context<StoragePoolCluster> context) {
        KubernetesClient client = context.getClient();
        Map<String, StoragePool> existing = context.getSecondaryResources(StoragePool.class).stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity()));
        List<String> problems = new ArrayList<>();
        List<StoragePool> pools = new ArrayList<>();
        for (PoolEntry entry : cluster.getSpec().pools()) {
            String name = poolName(cluster, entry);
            StoragePool pool = existing.get(name);
            if (pool == null) {
                pool = ensurePool(client, newPool(cluster, entry));
            } else if (!sameLocation(pool.getSpec(), entry)) {
                problems.add("pool " + entry.name() + " cannot move from " + pool.getSpec().nodeName() + ":"
                        + pool.getSpec().hostPath() + " to " + entry.nodeName() + ":" + entry.hostPath()
                        + " (its replicas live there); add a new pool instead");
            } else if (!Objects.equals(pool.getSpec().capacityBytes(), entry.capacityBytes())) {
                pool.setSpec(new StoragePoolSpec(pool.getSpec().poolCluster(), pool.getSpec().nodeName(),
                        pool.getSpec().hostPath(), entry.capacityBytes()));
                pool = client.resource(pool).update();
            }
            ensureServer(client, pool, cluster);
            pools.add(pool);
        }
        Set<String> wanted = cluster.getSpec().pools().stream().map(e -> poolName(cluster, e))
                .collect(Collectors.toSet());
        for (StoragePool gone : existing.values()) {
            if (!wanted.contains(gone.getMetadata().getName())) {
                removeOrExplain(client, gone).ifPresent(problems::add);
            }
        }
        StoragePoolClusterStatus status = status(cluster, pools, problems);
        if (Objects.equals(status, cluster.getStatus())) {
            return UpdateControl.noUpdate();
        }
        return StatusWriter.write(client, cluster, status);
    }

    /**
     * The pool as the API has it, created if missing. A pool this reconciler created a moment ago may
     * not be in the informer's cache yet; creating it again would fail and delay the cluster's status.
     */
    private static StoragePool ensurePool(KubernetesClient client, StoragePool desired) {
        StoragePool existing = client.resource(desired).get();
        if (existing != null) {
            return existing;
        }
        StoragePool created = client.resource(desired).create();
        LOG.atInfo().addKeyValue("pool", desired.getMetadata().getName())
                .addKeyValue("node", desired.getSpec().nodeName()).log("created pool");
        return created;
    }

    @Override
    public DeleteControl cleanup(StoragePoolCluster cluster, Context<StoragePoolCluster> context) {
        List<String> blocking = new ArrayList<>();
        for (StoragePool pool : context.getSecondaryResources(StoragePool.class)) {
            removeOrExplain(context.getClient(), pool).ifPresent(blocking::add);
        }
        if (blocking.isEmpty()) {
            return DeleteControl.defaultDelete();
        }
        LOG.atWarn().addKeyValue("poolCluster", cluster.getMetadata().getName())
                .log("deletion waits: {}", String.join("; ", blocking));
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK_REMOVAL);
    }

    static String poolName(StoragePoolCluster cluster, PoolEntry entry) {
        return cluster.getMetadata().getName() + "-" + entry.name();
    }

    private static boolean sameLocation(StoragePoolSpec spec, PoolEntry entry) {
        return spec.nodeName().equals(entry.nodeName()) && spec.hostPath().equals(entry.hostPath());
    }

    private static StoragePool newPool(StoragePoolCluster cluster, PoolEntry entry) {
        StoragePool pool = new StoragePool();
        pool.setMetadata(new ObjectMetaBuilder()
                .withName(poolName(cluster, entry))
                .withNamespace(cluster.getMetadata().getNamespace())
                .addToLabels(CLUSTER_LABEL, cluster.getMetadata().getName())
                .addToOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(cluster.getApiVersion())
                        .withKind(cluster.getKind())
                        .withName(cluster.getMetadata().getName())
                        .withUid(cluster.getMetadata().getUid())
                        .withController(true)
                        .build())
                .build());
        pool.setSpec(new StoragePoolSpec(cluster.getMetadata().getName(), entry.nodeName(), entry.hostPath(),
                entry.capacityBytes()));
        return pool;
    }

    /** Creates the pool's Deployment and Service if missing; the Deployment follows its template. */
    private void ensureServer(KubernetesClient client, StoragePool pool, StoragePoolCluster cluster) {
        Deployment desired = template.deployment(pool, cluster.getSpec());
        Deployment current = client.resource(desired).get();
        if (current == null) {
            client.resource(desired).create();
        } else if (!PoolServerTemplate.sameTemplate(current, desired)) {
            current.getMetadata().setAnnotations(desired.getMetadata().getAnnotations());
            current.getSpec().setTemplate(desired.getSpec().getTemplate());
            client.resource(current).update();
        }
        Service service = template.service(pool);
        if (client.resource(service).get() == null) {
            client.resource(service).create();
        }
    }

    /** Removes a pool and its server, unless replicas still live on it: then says so. */
    private static Optional<String> removeOrExplain(KubernetesClient client, StoragePool pool) {
        Integer replicas = pool.getStatus() == null ? null : pool.getStatus().replicaCount();
        if (replicas != null && replicas > 0) {
            return Optional.of("pool " + pool.getMetadata().getName() + " still holds " + replicas
                    + " replicas; delete or move those volumes first");
        }
        String server = PoolServerTemplate.serverName(pool);
        String namespace = pool.getMetadata().getNamespace();
        for (Class<? extends HasMetadata> kind : List.of(Deployment.class, Service.class)) {
            client.resources(kind).inNamespace(namespace).withName(server).delete();
        }
        client.resource(pool).delete();
        LOG.atInfo().addKeyValue("pool", pool.getMetadata().getName()).log("removed pool");
        return Optional.empty();
    }

    private StoragePoolClusterStatus status(StoragePoolCluster cluster, List<StoragePool> pools, List<String> problems) {
        List<StoragePoolStatus> online = pools.stream()
                .map(StoragePool::getStatus)
                .filter(s -> s != null && s.phase() == PoolPhase.ONLINE)
                .toList();
        List<String> notOnline = pools.stream()
                .filter(p -> p.getStatus() == null || p.getStatus().phase() != PoolPhase.ONLINE)
                .map(p -> p.getMetadata().getName() + " on " + p.getSpec().nodeName() + " is "
                        + (p.getStatus() == null || p.getStatus().phase() == null ? "not yet reporting" : "offline"))
                .toList();
        long generation = cluster.getMetadata().getGeneration() == null ? 0 : cluster.getMetadata().getGeneration();
        String reason;
        String message;
        if (!problems.isEmpty()) {
            reason = "SpecNotApplied";
            message = String.join("; ", problems);
        } else if (!notOnline.isEmpty()) {
            reason = "PoolsNotOnline";
            message = String.join("; ", notOnline);
        } else {
            reason = "AllPoolsOnline";
            message = pools.size() + " pools online";
        }
        List<Condition> previous = cluster.getStatus() == null ? null
                : cluster.getStatus().conditions();
        return new StoragePoolClusterStatus(generation,
                conditions.set(previous, Conditions.READY, problems.isEmpty() && notOnline.isEmpty(), reason, message,
                        generation),
                pools.size(), online.size(),
                online.stream().mapToLong(s -> s.capacityBytes() == null ? 0 : s.capacityBytes()).sum(),
                online.stream().mapToLong(s -> s.freeBytes() == null ? 0 : s.freeBytes()).sum());
    }
}
