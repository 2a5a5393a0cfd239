package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.TargetApi;
import io.basalt.operator.events.EventRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a serving target's members to its VolumeTarget's {@code spec.replicas} through the target's
 * management API, so that changing the replica set never restarts the target (and never drops its
 * initiators' sessions). Replicas the spec names and the target lacks are added (they rebuild online);
 * members the spec no longer names are retired once that costs no redundancy: when they are not
 * healthy, or when every replica the spec names is. A target that is not serving is left alone: it is
 * still opening on the replicas it started with.
 */
final class TargetMembership {

    private static final Logger LOG = LoggerFactory.getLogger(TargetMembership.class);

    /** What a pass did not manage, in words for a condition; empty when the members match the spec. */
    List<String> reconcile(VolumeTarget target, TargetApi api, TargetStatusResponse answer, EventRecorder events) {
        if (!answer.hasReplicated() || answer.getHealth() == Health.OFFLINE) {
            return List.of();
        }
        Map<String, ReplicaStatus> members = answer.getReplicated().getReplicasList().stream()
                .collect(Collectors.toMap(TargetMembership::key, Function.identity(), (a, b) -> a));
        List<ReplicaEndpoint> wanted = target.getSpec().replicas();
        List<String> problems = new ArrayList<>();
        for (ReplicaEndpoint replica : wanted) {
            if (members.containsKey(key(replica))) {
                continue;
            }
            try {
                api.addReplica(replica.replica(), replica.address());
                events.normal(target, "ReplicaAdded", "target took in " + replica.replica() + " on pool "
                        + replica.pool() + "; it rebuilds from the healthy replicas");
                log(target, replica.replica(), "replica added to the target");
            } catch (EngineCallException e) {
                if (e.unreachable()) {
                    throw e;
                }
                problems.add("adding " + replica.replica() + " failed: " + e.getMessage());
            }
        }
        boolean wantedAllHealthy = wanted.stream().allMatch(r -> members.containsKey(key(r))
                && members.get(key(r)).getMode() == ReplicaMode.REPLICA_HEALTHY);
        List<String> wantedKeys = wanted.stream().map(TargetMembership::key).toList();
        for (ReplicaStatus member : members.values()) {
            if (wantedKeys.contains(key(member))) {
                continue;
            }
            if (member.getMode() == ReplicaMode.REPLICA_HEALTHY && !wantedAllHealthy) {
                problems.add("keeping " + member.getName() + " until the replicas that take its place are healthy");
                continue;
            }
            try {
                api.removeReplica(member.getName(), member.getAddress());
                events.normal(target, "ReplicaRemoved", "target retired " + member.getName() + " at "
                        + member.getAddress() + ", which the VolumeTarget no longer names");
                log(target, member.getName(), "replica removed from the target");
            } catch (EngineCallException e) {
                if (e.unreachable()) {
                    throw e;
                }
                problems.add("retiring " + member.getName() + " failed: " + e.getMessage());
            }
        }
        return problems;
    }

    private static void log(VolumeTarget target, String replica, String message) {
        LOG.atInfo().addKeyValue("volume", target.getSpec().volume()).addKeyValue("replica", replica).log(message);
    }

    private static String key(ReplicaEndpoint replica) {
        return replica.replica() + "@" + replica.address();
    }

    private static String key(ReplicaStatus replica) {
        return replica.getName() + "@" + replica.getAddress();
    }
}
