package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.ReplicaState;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeReplicaSpec;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetSpec;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
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
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a volume back to its replica count when a replica is lost (its pool offline longer than the
 * grace period, or the replica broken): places a successor on another pool and creates it, names it
 * in the VolumeTarget next to the lost one (the target takes it in through its management API and
 * rebuilds it online), drops the lost one from the VolumeTarget once the successor is healthy (the
 * target retires it), and deletes the lost VolumeReplica once the target no longer lists it. The
 * target keeps running throughout. Each call takes the steps that the observed state allows, so a
 * restarted operator picks up where the last one stopped.
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

    Outcome advance(KubernetesClient client, VolumeClaim claim, VolumeTarget target, Map<String, StoragePool> pools,
                    EventRecorder events) {
        List<VolumeReplica> replicas = VolumeClaimReconciler.replicasOf(client, claim);
        Map<String, VolumeReplica> byName = replicas.stream()
                .collect(Collectors.toMap(r -> r.getMetadata().getName(), r -> r));
        List<String> underWay = new ArrayList<>();
        for (ReplicaEndpoint lost : target.getSpec().replicas()) {
            Optional<VolumeReplica> successor = successorOf(replicas, lost.replica());
            Optional<String> lostBecause = lostBecause(byName.get(lost.replica()), pools.get(lost.pool()));
            if (lostBecause.isEmpty() && (successor.isEmpty() || !named(target, successor.get()))) {
                continue;
            }
            String why = lostBecause.orElse("its replacement was under way");
            if (successor.isEmpty()) {
                underWay.add(place(client, claim, target, lost, why, replicas, pools, events));
                continue;
            }
            VolumeReplica next = successor.get();
            String nextName = next.getMetadata().getName();
            StoragePool nextPool = pools.get(next.getSpec().pool());
            if (!named(target, next)) {
                if (!VolumeReplicaReconciler.created(next) || nextPool == null
                        || !VolumeReplicaReconciler.online(nextPool)) {
                    underWay.add("creating " + nextName + " on pool " + next.getSpec().pool() + " in place of "
                            + lost.replica() + " (" + why + ")");
                    continue;
                }
                target = withReplicas(client, target, endpoints -> concat(endpoints, new ReplicaEndpoint(nextName,
                        next.getSpec().pool(), nextPool.getStatus().replicaEndpoint())));
                underWay.add("adding " + nextName + " on pool " + next.getSpec().pool() + " to the target");
                continue;
            }
            Optional<ReplicaState> seen = member(target, nextName);
            if (seen.isEmpty() || seen.get().mode() != ReplicaPhase.HEALTHY) {
                underWay.add("rebuilding " + nextName + " on pool " + next.getSpec().pool() + ": "
                        + seen.map(ReplicaState::rebuildProgressPercent).orElse(0) + "%");
                continue;
            }
            target = withReplicas(client, target, endpoints -> endpoints.stream()
                    .filter(r -> !r.replica().equals(lost.replica())).toList());
            events.normal(claim, "ReplicaRetired", lost.replica() + " on pool " + lost.pool() + " leaves the target ("
                    + why + "); " + nextName + " on pool " + next.getSpec().pool() + " holds its data");
        }
        for (VolumeReplica retired : replicas) {
            String name = retired.getMetadata().getName();
            Optional<VolumeReplica> successor = successorOf(replicas, name);
            if (successor.isEmpty() || !named(target, successor.get()) || named(target, retired)) {
                continue;
            }
            if (!leftTarget(target, name)) {
                underWay.add("waiting for the target to retire " + name);
                continue;
            }
            client.resource(retired).delete();
            LOG.atInfo().addKeyValue("volume", claim.getMetadata().getName()).addKeyValue("lost", name)
                    .addKeyValue("successor", successor.get().getMetadata().getName()).log("replica replaced");
            events.normal(claim, "ReplicaReplaced", successor.get().getMetadata().getName() + " on pool "
                    + successor.get().getSpec().pool() + " replaced " + name + " on pool " + retired.getSpec().pool());
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

    private static Optional<VolumeReplica> successorOf(List<VolumeReplica> replicas, String lost) {
        return replicas.stream()
                .filter(r -> r.getMetadata().getAnnotations() != null
                        && lost.equals(r.getMetadata().getAnnotations().get(VolumeObjects.REPLACES_ANNOTATION)))
                .findFirst();
    }

    private static boolean named(VolumeTarget target, VolumeReplica replica) {
        return target.getSpec().replicas().stream().anyMatch(r -> r.replica().equals(replica.getMetadata().getName()));
    }

    private static Optional<ReplicaState> member(VolumeTarget target, String replica) {
        if (target.getStatus() == null || target.getStatus().replicas() == null) {
            return Optional.empty();
        }
        return target.getStatus().replicas().stream().filter(r -> replica.equals(r.replica())).findFirst();
    }

    /** True once a serving target has been seen without {@code replica} among its members. */
    private static boolean leftTarget(VolumeTarget target, String replica) {
        VolumeTargetStatus status = target.getStatus();
        boolean serving = status != null && status.replicas() != null && status.phase() != null
                && status.phase() != TargetPhase.INIT && status.phase() != TargetPhase.OFFLINE;
        return serving && member(target, replica).isEmpty();
    }

    private static List<ReplicaEndpoint> concat(List<ReplicaEndpoint> endpoints, ReplicaEndpoint added) {
        List<ReplicaEndpoint> all = new ArrayList<>(endpoints);
        all.add(added);
        return all;
    }

    private static VolumeTarget withReplicas(KubernetesClient client, VolumeTarget target,
                                             UnaryOperator<List<ReplicaEndpoint>> change) {
        return client.resources(VolumeTarget.class).inNamespace(target.getMetadata().getNamespace())
                .withName(target.getMetadata().getName()).edit(current -> {
            VolumeTargetSpec spec = current.getSpec();
            current.setSpec(new VolumeTargetSpec(spec.volume(), spec.iqn(), spec.capacityBytes(),
                    spec.replicationFactor(), spec.consistencyFactor(), change.apply(spec.replicas()), spec.nodeName(),
                    spec.chapSecretName()));
            return current;
        });
    }
}
