package io.basalt.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolSpec;
import io.basalt.api.v1alpha1.StoragePoolStatus;
import io.basalt.operator.MockCluster;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusWriterTest {

    private final MockCluster cluster = new MockCluster();
    private final KubernetesClient client = cluster.client();
    private final Conditions conditions = new Conditions(Clock.systemUTC());

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void writesTheWholeStatusEvenWhenTheCopyItStartsFromPredatesTheLastWrite() {
        StoragePool pool = new StoragePool();
        pool.setMetadata(new ObjectMetaBuilder().withName("p1").withNamespace(BasaltResources.NAMESPACE).build());
        pool.setSpec(new StoragePoolSpec("fast", "node-1", "/var/lib/basalt/p1", null));
        pool = client.resource(pool).create();
        StatusWriter.write(client, pool, status(PoolPhase.OFFLINE, conditions.set(
                conditions.set(conditions.set(null, "Ready", false, "Unreachable", "no answer", 1),
                        "Draining", true, "Draining", "moving", 1), "Full", false, "Room", "room", 1)));
        StoragePool stale = client.resource(pool).get();
        // a write the stale copy does not know of, with fewer conditions
        StatusWriter.write(client, client.resource(pool).get(), status(PoolPhase.ONLINE,
                conditions.set(null, "Ready", true, "Online", "answers", 1)));

        StatusWriter.write(client, stale, status(PoolPhase.ONLINE,
                conditions.set(stale.getStatus().conditions(), "Full", true, "NoRoom", "full", 1)));

        StoragePoolStatus written = client.resource(pool).get().getStatus();
        assertThat(written.phase()).isEqualTo(PoolPhase.ONLINE);
        assertThat(written.conditions()).extracting(Condition::getType).containsExactly("Ready", "Draining", "Full");
        assertThat(written.conditions()).extracting(Condition::getMessage).containsExactly("no answer", "moving", "full");
    }

    @Test
    void settingAConditionKeepsItInItsPlace() {
        List<Condition> two = conditions.set(conditions.set(null, "Ready", false, "Waiting", "wait", 1),
                "Resizing", true, "Resizing", "grow", 1);

        List<Condition> updated = conditions.set(two, "Ready", true, "Bound", "bound", 2);

        assertThat(updated).extracting(Condition::getType).containsExactly("Ready", "Resizing");
        assertThat(updated.getFirst().getReason()).isEqualTo("Bound");
    }

    private static StoragePoolStatus status(PoolPhase phase, List<Condition> conditions) {
        return new StoragePoolStatus(1L, conditions, phase, null, null, null, null, null, null);
    }
}
