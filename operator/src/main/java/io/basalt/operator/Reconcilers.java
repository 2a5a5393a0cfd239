package io.basalt.operator;

import io.basalt.operator.engine.EngineClients;
import io.basalt.operator.placement.ReplicaPlacer;
import io.basalt.operator.pool.PoolServerTemplate;
import io.basalt.operator.pool.StoragePoolClusterReconciler;
import io.basalt.operator.pool.StoragePoolReconciler;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.volume.BlockSnapshotReconciler;
import io.basalt.operator.volume.VolumeClaimReconciler;
import io.basalt.operator.volume.VolumeReplicaReconciler;
import io.basalt.operator.volume.VolumeTargetReconciler;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.time.Clock;
import java.util.List;

/** Every reconciler of the operator, wired the same way for the operator process and its tests. */
public final class Reconcilers {

    private Reconcilers() {
    }

    public static List<Reconciler<?>> all(OperatorSettings settings, EngineClients engines) {
        Conditions conditions = new Conditions(Clock.systemUTC());
        return List.of(
                new StoragePoolClusterReconciler(new PoolServerTemplate(settings.engineImage()), conditions),
                new StoragePoolReconciler(engines, conditions, settings.statusInterval()),
                new VolumeClaimReconciler(settings, engines, new ReplicaPlacer(), conditions),
                new VolumeReplicaReconciler(engines, conditions, settings.statusInterval()),
                new VolumeTargetReconciler(engines, conditions, settings.statusInterval()),
                new BlockSnapshotReconciler(engines, conditions, settings.statusInterval()));
    }
}
