package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.ReplicaState;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.api.v1alpha1.VolumeTargetStatus;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.ServiceAddresses;
import io.basalt.operator.engine.TargetApi;
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

/**
 * VolumeTarget: its status follows the target's management API, polled every few seconds; the
 * target grows to the size its spec asks for (the target grows the replicas, then the LUN), and its
 * members follow the spec's replicas through the same API, without a restart.
 */
@ControllerConfiguration(name = "volumetarget")
public final class VolumeTargetReconciler implements Reconciler<VolumeTarget> {

    static final String RESIZING = "Resizing";
    static final String MEMBERSHIP = "MembersMatchSpec";

    private final EngineClients engines;
    private final Conditions conditions;
    private final Duration interval;
    private final TargetMembership membership = new TargetMembership();

    public VolumeTargetReconciler(EngineClients engines, Conditions conditions, Duration interval) {
        this.engines = engines;
        this.conditions = conditions;
        this.interval = interval;
    }

    @Override
    public UpdateControl<VolumeTarget> reconcile(VolumeTarget target, Context<VolumeTarget> context) {
        KubernetesClient client = context.getClient();
        String server = VolumeObjects.targetServerName(target.getSpec().volume());
        Optional<String> ip = ServiceAddresses.clusterIp(client, target.getMetadata().getNamespace(), server);
        VolumeTargetStatus status;
        if (ip.isEmpty()) {
            status = unheard(target, "WaitingForServiceAddress", "Service " + server + " has no cluster IP yet", null);
        } else {
            String portal = ServiceAddresses.hostPort(ip.get(), TargetServerTemplate.ISCSI_PORT);
            TargetApi api = engines.target(ServiceAddresses.hostPort(ip.get(), TargetServerTemplate.MANAGEMENT_PORT));
            try {
                EventRecorder events = new EventRecorder(client, Clock.systemUTC());
                TargetStatusResponse answer = api.status();
                List<Condition> current = resize(target, api, answer, events);
                current = membership(target, current, membership.reconcile(target, api, answer, events));
                status = observed(target, current, api.status(), portal);
            } catch (EngineCallException e) {
                status = unheard(target, "TargetUnreachable", "the target does not answer: " + e.getMessage(), portal);
            }
        }
        if (Objects.equals(target.getStatus(), status)) {
            return UpdateControl.<VolumeTarget>noUpdate().rescheduleAfter(interval);
        }
        return StatusWriter.write(client, target, status).rescheduleAfter(interval);
    }

    /** Asks the target to grow when its spec is larger than the LUN; the Resizing condition says how it went. */
    private List<Condition> resize(VolumeTarget target, TargetApi api, TargetStatusResponse answer,
                                   EventRecorder events) {
        List<Condition> current = previous(target);
        long wanted = target.getSpec().capacityBytes();
        if (answer.getCapacityBytes() >= wanted) {
            return hasCondition(target, RESIZING)
                    ? conditions.set(current, RESIZING, false, "Resized", "the LUN serves "
                            + Sizes.human(answer.getCapacityBytes()), generation(target))
                    : current;
        }
        try {
            api.resize(wanted);
            events.normal(target, "Resized", "grew the replicas and the LUN from "
                    + Sizes.human(answer.getCapacityBytes()) + " to " + Sizes.human(wanted));
            return conditions.set(current, RESIZING, false, "Resized", "the LUN serves " + Sizes.human(wanted),
                    generation(target));
        } catch (EngineCallException e) {
            if (e.unreachable()) {
                throw e;
            }
            return conditions.set(current, RESIZING, true, "ResizeFailed", "growing from "
                    + Sizes.human(answer.getCapacityBytes()) + " to " + Sizes.human(wanted) + " failed, retrying: "
                    + e.getMessage(), generation(target));
        }
    }

    /** The membership condition: present once a change of members first had to wait, false while one waits. */
    private List<Condition> membership(VolumeTarget target, List<Condition> current, List<String> problems) {
        if (problems.isEmpty()) {
            return hasCondition(target, MEMBERSHIP)
                    ? conditions.set(current, MEMBERSHIP, true, "InSync", "the target's members are the replicas"
                            + " the spec names", generation(target))
                    : current;
        }
        return conditions.set(current, MEMBERSHIP, false, "Reconciling", String.join("; ", problems),
                generation(target));
    }

    private VolumeTargetStatus observed(VolumeTarget target, List<Condition> current, TargetStatusResponse answer,
                                        String portal) {
        int replicationFactor = target.getSpec().replicationFactor();
        int consistencyFactor = target.getSpec().consistencyFactor();
        List<ReplicaState> replicas = answer.hasReplicated() ? answer.getReplicated().getReplicasList().stream()
                .map(VolumeTargetReconciler::state).toList() : List.of();
        int healthy = (int) replicas.stream().filter(r -> r.mode() == ReplicaPhase.HEALTHY).count();
        long rebuilding = replicas.stream().filter(r -> r.mode() == ReplicaPhase.REBUILDING).count();
        TargetPhase phase;
        String reason;
        String message;
        if (!answer.hasReplicated()) {
            phase = answer.getHealth() == Health.HEALTHY ? TargetPhase.HEALTHY
                    : answer.getHealth() == Health.DEGRADED ? TargetPhase.DEGRADED : TargetPhase.OFFLINE;
            reason = phase == TargetPhase.HEALTHY ? "Healthy" : "NotServing";
            message = answer.getHealthReason();
        } else if (healthy < consistencyFactor) {
            phase = TargetPhase.OFFLINE;
            reason = "NoQuorum";
            message = healthy + " of " + replicationFactor + " replicas healthy; writes need " + consistencyFactor;
        } else if (healthy >= replicationFactor) {
            phase = TargetPhase.HEALTHY;
            reason = "Healthy";
            message = healthy + " of " + replicationFactor + " replicas healthy";
        } else {
            phase = rebuilding > 0 ? TargetPhase.REBUILDING : TargetPhase.DEGRADED;
            reason = rebuilding > 0 ? "Rebuilding" : "ReplicasOffline";
            message = healthy + " of " + replicationFactor + " replicas healthy" + (rebuilding > 0
                    ? ", " + rebuilding + " rebuilding" : "") + "; writes continue with " + consistencyFactor;
        }
        ReplicatedBackend backend = answer.getReplicated();
        List<String> spared = backend.getReplicasList().stream().filter(ReplicaStatus::getReadsSpared)
                .map(ReplicaStatus::getName).toList();
        if (!spared.isEmpty()) {
            message += "; reads spare " + String.join(", ", spared) + ", much slower than the others";
        }
        return new VolumeTargetStatus(generation(target),
                conditions.set(current, Conditions.READY, phase == TargetPhase.HEALTHY, reason, message, generation(target)),
                phase, portal, answer.getCapacityBytes(), answer.hasReplicated() ? backend.getEpoch() : null, healthy,
                replicas);
    }

    private static ReplicaState state(ReplicaStatus replica) {
        ReplicaPhase mode = switch (replica.getMode()) {
            case REPLICA_HEALTHY -> ReplicaPhase.HEALTHY;
            case REPLICA_REBUILDING -> ReplicaPhase.REBUILDING;
            default -> ReplicaPhase.OFFLINE;
        };
        Integer progress = null;
        if (replica.hasRebuild() && replica.getRebuild().getTotalBytes() > 0) {
            progress = (int) Math.min(100, replica.getRebuild().getCopiedBytes() * 100 / replica.getRebuild().getTotalBytes());
        } else if (mode == ReplicaPhase.REBUILDING) {
            progress = 0;
        }
        return new ReplicaState(replica.getName(), replica.getAddress(), mode, replica.getLag(), progress);
    }

    /** Not heard from: Init until the target first answered, Offline after; nothing is known of its replicas. */
    private VolumeTargetStatus unheard(VolumeTarget target, String reason, String message, String portal) {
        VolumeTargetStatus last = target.getStatus();
        boolean everServed = last != null && last.phase() != null && last.phase() != TargetPhase.INIT;
        TargetPhase phase = everServed ? TargetPhase.OFFLINE : TargetPhase.INIT;
        return new VolumeTargetStatus(generation(target),
                conditions.set(previous(target), Conditions.READY, false, reason, message, generation(target)),
                phase, portal, last == null ? null : last.capacityBytes(), last == null ? null : last.epoch(), 0,
                null);
    }

    private static boolean hasCondition(VolumeTarget target, String type) {
        return previous(target) != null && previous(target).stream().anyMatch(c -> type.equals(c.getType()));
    }

    private static List<Condition> previous(VolumeTarget target) {
        return target.getStatus() == null ? null : target.getStatus().conditions();
    }

    private static long generation(VolumeTarget target) {
        return target.getMetadata().getGeneration() == null ? 0 : target.getMetadata().getGeneration();
    }
}
