package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.BlockSnapshotStatus;
import io.basalt.api.v1alpha1.SnapshotLayer;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.operator.engine.EngineCallException;
import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.engine.ServiceAddresses;
import io.basalt.operator.events.EventRecorder;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Status;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * BlockSnapshot: asks the source volume's target to snapshot its healthy replicas, and records the
 * frozen layers. Deleting a snapshot deletes those layers on their pools, unless a clone still starts
 * from them: then they stay, and the snapshot says so, until the last such clone is gone.
 */
@ControllerConfiguration(name = "blocksnapshot")
public final class BlockSnapshotReconciler implements Reconciler<BlockSnapshot>, Cleaner<BlockSnapshot> {

    static final String KEPT_FOR_CLONES = "KeptForClones";
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final EngineClients engines;
    private final Conditions conditions;
    private final Duration interval;

    public BlockSnapshotReconciler(EngineClients engines, Conditions conditions, Duration interval) {
        this.engines = engines;
        this.conditions = conditions;
        this.interval = interval;
    }

    @Override
    public UpdateControl<BlockSnapshot> reconcile(BlockSnapshot snapshot, Context<BlockSnapshot> context) {
        if (snapshot.getStatus() != null && Boolean.TRUE.equals(snapshot.getStatus().readyToUse())) {
            return UpdateControl.noUpdate();
        }
        KubernetesClient client = context.getClient();
        String namespace = snapshot.getMetadata().getNamespace();
        String volume = snapshot.getSpec().sourceVolume();
        VolumeClaim source = client.resources(VolumeClaim.class).inNamespace(namespace).withName(volume).get();
        if (source == null) {
            return waiting(client, snapshot, "SourceMissing", "source volume " + volume + " does not exist", "volume "
                    + volume + " does not exist");
        }
        if (source.getStatus() == null || source.getStatus().phase() != VolumePhase.BOUND) {
            return waiting(client, snapshot, "WaitingForSource", "source volume " + volume + " is not bound yet", null);
        }
        Optional<String> ip = ServiceAddresses.clusterIp(client, namespace, VolumeObjects.targetServerName(volume));
        if (ip.isEmpty()) {
            return waiting(client, snapshot, "WaitingForSource", "the target of volume " + volume + " has no address", null);
        }
        SnapshotVolumeResponse taken;
        try {
            taken = engines.target(ServiceAddresses.hostPort(ip.get(), TargetServerTemplate.MANAGEMENT_PORT))
                    .snapshot(snapshot.getMetadata().getName());
        } catch (EngineCallException e) {
            String reason = e.code() == Status.Code.FAILED_PRECONDITION ? "NotEnoughHealthyReplicas" : "TargetUnavailable";
            return waiting(client, snapshot, reason, "the target of volume " + volume + " did not take the snapshot, retrying: "
                    + e.getMessage(), null);
        }
        List<SnapshotLayer> layers = taken.getHoldersList().stream()
                .map(holder -> new SnapshotLayer(holder.getName(), snapshot.getMetadata().getName()))
                .toList();
        String creationTime = Instant.ofEpochMilli(taken.getCreatedMillis()).toString();
        new EventRecorder(client, Clock.systemUTC()).normal(snapshot, "SnapshotTaken", "replicas "
                + layers.stream().map(SnapshotLayer::replica).collect(Collectors.joining(", ")) + " of volume "
                + volume + " froze their layers");
        return StatusWriter.write(client, snapshot, new BlockSnapshotStatus(generation(snapshot),
                conditions.set(previous(snapshot), Conditions.READY, true, "ReadyToUse", "held by "
                        + layers.size() + " replicas", generation(snapshot)),
                true, creationTime, source.getStatus().capacityBytes(), null, layers));
    }

    @Override
    public DeleteControl cleanup(BlockSnapshot snapshot, Context<BlockSnapshot> context) {
        KubernetesClient client = context.getClient();
        String namespace = snapshot.getMetadata().getNamespace();
        String name = snapshot.getMetadata().getName();
        List<String> clones = client.resources(VolumeClaim.class).inNamespace(namespace).list().getItems().stream()
                .filter(c -> c.getSpec().source() != null && name.equals(c.getSpec().source().snapshot()))
                .map(c -> c.getMetadata().getName())
                .sorted()
                .toList();
        if (!clones.isEmpty()) {
            explain(client, snapshot, KEPT_FOR_CLONES, "layers kept while clones " + String.join(", ", clones)
                    + " start from them");
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(interval);
        }
        List<String> waiting = new ArrayList<>();
        List<SnapshotLayer> layers = snapshot.getStatus() == null || snapshot.getStatus().layers() == null
                ? List.of() : snapshot.getStatus().layers();
        for (SnapshotLayer layer : layers) {
            VolumeReplica replica = client.resources(VolumeReplica.class).inNamespace(namespace)
                    .withName(layer.replica()).get();
            if (replica == null) {
                // The replica and its layers are gone already (deleted, or replaced and collected by its pool).
                continue;
            }
            StoragePool pool = client.resources(StoragePool.class).inNamespace(namespace)
                    .withName(replica.getSpec().pool()).get();
            if (pool == null || !VolumeReplicaReconciler.online(pool)) {
                waiting.add("pool " + replica.getSpec().pool() + " of " + layer.replica() + " is offline");
                continue;
            }
            try {
                engines.pool(pool.getStatus().managementEndpoint()).deleteSnapshot(layer.replica(), layer.snapshot());
            } catch (EngineCallException e) {
                waiting.add(e.getMessage());
            }
        }
        if (!waiting.isEmpty()) {
            explain(client, snapshot, "WaitingForPools", "layers not deleted yet: " + String.join("; ", waiting));
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(RETRY);
        }
        return DeleteControl.defaultDelete();
    }

    private void explain(KubernetesClient client, BlockSnapshot snapshot, String reason, String message) {
        boolean known = previous(snapshot) != null && previous(snapshot).stream()
                .anyMatch(c -> "Deleting".equals(c.getType()) && message.equals(c.getMessage()));
        if (known) {
            return;
        }
        new EventRecorder(client, Clock.systemUTC()).normal(snapshot, reason, message);
        client.resources(BlockSnapshot.class).inNamespace(snapshot.getMetadata().getNamespace())
                .withName(snapshot.getMetadata().getName()).editStatus(s -> {
                    BlockSnapshotStatus status = s.getStatus();
                    s.setStatus(new BlockSnapshotStatus(status == null ? null : status.observedGeneration(),
                            conditions.set(previous(s), "Deleting", true, reason, message, generation(s)),
                            status == null ? null : status.readyToUse(), status == null ? null : status.creationTime(),
                            status == null ? null : status.sizeBytes(), status == null ? null : status.error(),
                            status == null ? null : status.layers()));
                    return s;
                });
    }

    private UpdateControl<BlockSnapshot> waiting(KubernetesClient client, BlockSnapshot snapshot, String reason,
                                                 String message, String error) {
        BlockSnapshotStatus status = new BlockSnapshotStatus(generation(snapshot),
                conditions.set(previous(snapshot), Conditions.READY, false, reason, message, generation(snapshot)),
                false, null, null, error, null);
        if (Objects.equals(snapshot.getStatus(), status)) {
            return UpdateControl.<BlockSnapshot>noUpdate().rescheduleAfter(RETRY);
        }
        return StatusWriter.write(client, snapshot, status).rescheduleAfter(RETRY);
    }

    private static List<Condition> previous(BlockSnapshot snapshot) {
        return snapshot.getStatus() == null ? null : snapshot.getStatus().conditions();
    }

    private static long generation(BlockSnapshot snapshot) {
        return snapshot.getMetadata().getGeneration() == null ? 0 : snapshot.getMetadata().getGeneration();
    }
}
