package io.basalt.operator.pool;

import static io.basalt.operator.OperatorHarness.GIB;
import static io.basalt.operator.OperatorHarness.NS;
import static io.basalt.operator.OperatorHarness.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.operator.OperatorHarness;
import io.basalt.api.v1alpha1.StoragePoolSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoragePoolReconcilerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private OperatorHarness harness;

    @BeforeEach
    void start() {
        harness = new OperatorHarness();
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void poolIsOnlineWithWhatItsServerReportsAtItsServicesClusterIp() {
        harness.givenPools(1);

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("fast-p1")).isEqualTo(PoolPhase.ONLINE));
        var status = harness.pool("fast-p1").getStatus();
        String ip = harness.client().services().inNamespace(NS).withName("pool-fast-p1").get().getSpec().getClusterIP();
        assertThat(status.managementEndpoint()).isEqualTo(ip + ":9501");
        assertThat(status.replicaEndpoint()).isEqualTo(ip + ":9500");
        assertThat(status.capacityBytes()).isEqualTo(100 * GIB);
        assertThat(status.freeBytes()).isEqualTo(100 * GIB);
        assertThat(status.usedBytes()).isZero();
        assertThat(status.replicaCount()).isZero();
        assertThat(condition(status.conditions(), "Ready").getMessage()).isEqualTo("100Gi free of 100Gi, 0 replicas");
    }

    @Test
    void poolWhoseServerStopsAnsweringIsOfflineSinceThenAndOnlineWhenItAnswersAgain() {
        harness.givenPools(1);
        await().atMost(WAIT).until(() -> phase("fast-p1") == PoolPhase.ONLINE);
        Instant stopped = Instant.now().minusSeconds(1);

        harness.engines().stopPool("fast-p1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("fast-p1")).isEqualTo(PoolPhase.OFFLINE));
        var ready = condition(harness.pool("fast-p1").getStatus().conditions(), "Ready");
        assertThat(ready.getReason()).isEqualTo("Unreachable");
        assertThat(ready.getMessage()).contains("node-1").contains("does not answer");
        assertThat(Instant.parse(ready.getLastTransitionTime())).isAfter(stopped);
        assertThat(harness.pool("fast-p1").getStatus().capacityBytes()).isEqualTo(100 * GIB);

        harness.engines().startPool("fast-p1");

        await().atMost(WAIT).untilAsserted(() -> assertThat(phase("fast-p1")).isEqualTo(PoolPhase.ONLINE));
    }

    @Test
    void poolWaitsForItsServiceAddressInsteadOfGuessingOne() {
        StoragePool pool = new StoragePool();
        pool.setMetadata(new ObjectMetaBuilder().withName("lonely").withNamespace(NS).build());
        pool.setSpec(new StoragePoolSpec("fast", "node-9", "/data", null));

        harness.client().resource(pool).create();

        await().atMost(WAIT).untilAsserted(() -> {
            var status = harness.pool("lonely").getStatus();
            assertThat(status.phase()).isEqualTo(PoolPhase.OFFLINE);
            assertThat(condition(status.conditions(), "Ready").getReason()).isEqualTo("WaitingForServiceAddress");
            assertThat(status.managementEndpoint()).isNull();
        });
    }

    private PoolPhase phase(String name) {
        return Optional.ofNullable(harness.pool(name)).map(StoragePool::getStatus).map(s -> s.phase()).orElse(null);
    }
}
