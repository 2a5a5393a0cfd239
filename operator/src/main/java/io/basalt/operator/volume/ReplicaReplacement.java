package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.ReplicaState;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaSpec;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetSpec;
import io.basalt.operator.engine.TargetApi;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.placement.Placement;
import io.basalt.operator.placement.PlacementRequest;
import io.basalt.operator.placement.ReplicaPlacer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a volume back to its replica count when a replica is lost (its pool offline longer than the
 * grace period, or the replica broken): places a successor on another pool, creates it, adds it to the
 * target, waits until it has rebuilt, then retires the lost one. Each call takes the steps that the
 * observed state allows, so a restarted operator picks up where the last one stopped.
 */
final class ReplicaReplacement {

    /** What a replacement pass did. @param target the VolumeTarget as it is now @param underWay steps waited on */
    record Outcome(VolumeTarget target, List<String> underWay) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaReplacement.class);

    private final ReplicaPlacer placer;
    private final Duration gracePeriod;
    private final Clock clock;

    ReplicaReplacement(ReplicaPlacer placer, Duration gracePeriod, Clock clock) {
        this.placer = placer;
        this.gracePeriod = gracePeriod;
        this.clock = clock;
    }

    Outcome advance(KubernetesClient client, VolumeClaim claim, VolumeTarget target, TargetApi targetApi,
                    Map<String, StoragePool> pools, EventRecorder events) {
        List<VolumeReplica> replicas = VolumeClaimReconciler.replicasOf(client, claim);
        Map<String, VolumeReplica> byName = replicas.stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
        List<String> underWay = new ArrayList<>();
        for (ReplicaEndpoint lost : target.getSpec().replicas()) {
            Optional<String> why = lostBecause(byName.get(lost.replica()), pools.get(lost.pool()));
            if (why.isEmpty()) {
                continue;
            }
            Optional<VolumeReplica> successor = replicas.stream()
                    .filter(r -> r.getMetadata().getAnnotations() != null
                            && lost.replica().equals(r.getMetadata().getAnnotations().get(VolumeObjects.REPLACES_ANNOTATION)))
                    .findFirst();
            if (successor.isEmpty()) {
                underWay.add(place(client, claim, target, lost, why.get(), replicas, pools, events));
                continue;
            }
            VolumeReplica next = successor.get();
            StoragePool nextPool = pools.get(next.getSpec().pool());
            if (!VolumeReplicaReconciler.created(next) || nextPool == null || !VolumeReplicaReconciler.online(nextPool)) {
                underWay.add("creating " + next.getMetadata().getName() + " on pool " + next.getSpec().pool()
                        + " in place of " + lost.replica() + " (" + why.get() + ")");
                continue;
            }
            String nextAddress = nextPool.getStatus().replicaEndpoint();
            Optional<ReplicaState> seen = member(target, next.getMetadata().getName());
            if (seen.isEmpty()) {
                targetApi.addReplica(next.getMetadata().getName(), nextAddress);
                events.normal(claim, "ReplicaAdded", "target took in " + next.getMetadata().getName() + " on pool "
                        + next.getSpec().pool() + "; it rebuilds from the healthy replicas");
                underWay.add("rebuilding " + next.getMetadata().getName() + " on pool " + next.getSpec().pool());
                continue;
            }
            if (seen.get().mode() != ReplicaPhase.HEALTHY) {
                underWay.add("rebuilding " + next.getMetadata().getName() + " on pool " + next.getSpec().pool() + ": "
                        + (seen.get().rebuildProgressPercent() == null ? 0 : seen.get().rebuildProgressPercent()) + "%");
                continue;
            }
            targetApi.removeReplica(lost.replica(), lost.address());
            events.normal(claim, "ReplicaRetired", "target retired " + lost.replica() + " on pool " + lost.pool()
                    + " (" + why.get() + ")");
            target = withReplicaSwapped(client, target, lost,
                    new ReplicaEndpoint(next.getMetadata().getName(), next.getSpec().pool(), nextAddress));
            VolumeReplica gone = byName.get(lost.replica());
            if (gone != null) {
                client.resource(gone).delete();
            }
            LOG.atInfo().addKeyValue("volume", claim.getMetadata().getName()).addKeyValue("lost", lost.replica())
                    .addKeyValue("successor", next.getMetadata().getName()).log("replica replaced");
            events.normal(claim, "ReplicaReplaced", next.getMetadata().getName() + " on pool " + next.getSpec().pool()
                    + " replaced " + lost.replica() + " on pool " + lost.pool());
        }
        return new Outcome(target, underWay);
    }

    /** Why a replica counts as lost, if it does. */
    private Optional<String> lostBecause(VolumeReplica replica, StoragePool pool) {
        if (replica == null) {
            return Optional.of("its VolumeReplica is gone");
        }
        if (replica.getStatus() != null && replica.getStatus().phase() == ReplicaPhase.ERROR) {
            return Optional.of("the replica is broken: " + replica.getStatus().conditions().stream()
                    .filter(c -> "Ready".equals(c.getType())).map(c -> c.getMessage()).findFirst().orElse("no reason"));
        }
        if (pool == null) {
            return Optional.of("pool " + replica.getSpec().pool() + " no longer exists");
        }
        Optional<Instant> offlineSince = VolumeReplicaReconciler.offlineSinceTime(pool);
        if (offlineSince.isPresent() && offlineSince.get().plus(gracePeriod).isBefore(Instant.now(clock))) {
            return Optional.of("pool " + pool.getMetadata().getName() + " offline since " + offlineSince.get()
                    + ", longer than the grace period of " + gracePeriod.toSeconds() + "s");
        }
        return Optional.empty();
    }

    private String place(KubernetesClient client, VolumeClaim claim, VolumeTarget target, ReplicaEndpoint lost,
                         String why, List<VolumeReplica> replicas, Map<String, StoragePool> pools,
                         EventRecorder events) {
        Set<String> kept = target.getSpec().replicas().stream()
                .filter(r -> !r.replica().equals(lost.replica()))
                .map(ReplicaEndpoint::pool)
                .collect(Collectors.toSet());
        Set<String> holding = replicas.stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        var candidates = pools.values().stream()
                .filter(p -> claim.getSpec().poolCluster().equals(p.getSpec().poolCluster()))
                .filter(p -> kept.contains(p.getMetadata().getName()) || !holding.contains(p.getMetadata().getName()))
                .filter(p -> !p.getMetadata().getName().equals(lost.pool()))
                .map(VolumeClaimReconciler::candidate)
                .toList();
        Placement placement = placer.place(new PlacementRequest(kept.size() + 1, claim.getSpec().capacityBytes(),
                kept, Set.of()), candidates);
        if (placement instanceof Placement.NotEnoughPools notEnough) {
            String message = "cannot replace " + lost.replica() + " (" + why + "): " + notEnough.message();
            events.warning(claim, "ReplacementNotPlaced", message);
            return message;
        }
        String pool = ((Placement.Placed) placement).pools().stream().filter(p -> !kept.contains(p)).findFirst()
                .orElseThrow();
        VolumeReplica successor = new VolumeReplica();
        successor.setMetadata(VolumeObjects.ownedBy(claim, VolumeObjects.replicaName(claim, pool + "/" + lost.replica())));
        successor.getMetadata().setAnnotations(Map.of(VolumeObjects.REPLACES_ANNOTATION, lost.replica()));
        successor.setSpec(new VolumeReplicaSpec(claim.getMetadata().getName(), pool, claim.getSpec().capacityBytes(),
                null));
        client.resource(successor).create();
        events.normal(claim, "ReplacementPlaced", "replacing " + lost.replica() + " on pool " + lost.pool() + " ("
                + why + ") with " + successor.getMetadata().getName() + " on pool " + pool);
        return "placed " + successor.getMetadata().getName() + " on pool " + pool + " in place of " + lost.replica();
    }

    private static Optional<ReplicaState> member(VolumeTarget target, String replica) {
        if (target.getStatus() == null || target.getStatus().replicas() == null) {
            return Optional.empty();
        }
        return target.getStatus().replicas().stream().filter(r -> replica.equals(r.replica())).findFirst();
    }

    private static VolumeTarget withReplicaSwapped(KubernetesClient client, VolumeTarget target, ReplicaEndpoint lost,
                                                   ReplicaEndpoint successor) {
        return client.resources(VolumeTarget.class).inNamespace(target.getMetadata().getNamespace())
                .withName(target.getMetadata().getName()).edit(current -> {
            VolumeTargetSpec spec = current.getSpec();
            List<ReplicaEndpoint> endpoints = spec.replicas().stream()
                    .map(r -> r.replica().equals(lost.replica()) ? successor : r)
                    .toList();
            current.setSpec(new VolumeTargetSpec(spec.volume(), spec.iqn(), spec.capacityBytes(),
                    spec.replicationFactor(), spec.consistencyFactor(), endpoints, spec.nodeName(),
                    spec.chapSecretName()));
            return current;
        });
    }
}
