package io.basalt.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.ReplicaPhase;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Through the whole stack with real engine processes: a pool's node goes down (its pool server killed
 * with SIGKILL and kept down); the volume reports Degraded within seconds and, with a spare pool and a
 * short grace period, gets a replacement replica, rebuilt, and is Healthy with its replica count again,
 * all the while served by the same target process.
 */
class ReplicaReplacementIT {

    private static final String NAMESPACE = BasaltResources.NAMESPACE;
    private static final String VOLUME = "replaced-vol";
    private static final long SIZE = 64L << 20;
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c", "node-d");

    private SandboxStack stack;

    @BeforeEach
    void startStackWithASparePool() throws Exception {
        stack = SandboxStack.start("replacement", NODES, List.of("--replica-grace-period=5s", "--status-interval=1s"));
    }

    @AfterEach
    void stopStack() throws InterruptedException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLostPoolIsReportedDegradedAndItsReplicaReplacedOnTheSparePool() {
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.pools().stream()
                .filter(p -> p.getStatus() != null && p.getStatus().phase() == PoolPhase.ONLINE).count() == NODES.size());
        stack.volumes().create(VOLUME, SIZE, 3, Optional.empty());
        stack.volumes().recordConsumer(VOLUME, SandboxSettings.CONSUMER_NODE);
        VolumeClaimStatus bound = stack.volumes().awaitBound(VOLUME, Duration.ofSeconds(60));
        String url = stack.volumes().url(bound);
        stack.qemu().run(url, List.of("write -P 0x3c 0 8M"));
        VolumeReplica lost = replicas().stream()
                .filter(r -> !nodeOf(r.getSpec().pool()).equals(SandboxSettings.CONSUMER_NODE))
                .findFirst().orElseThrow();
        Set<String> poolsBefore = replicas().stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        long targetPid = targetPid();

        stack.sandbox().runner().takeDown(nodeOf(lost.getSpec().pool()));

        await().atMost(Duration.ofSeconds(10)).until(() -> targetPhase() == TargetPhase.DEGRADED
                && Set.of(ReplicaPhase.DEGRADED, ReplicaPhase.OFFLINE).contains(phaseOf(lost.getMetadata().getName())));

        await().atMost(Duration.ofSeconds(90)).until(() -> targetPhase() == TargetPhase.HEALTHY
                && healthyReplicas() == 3 && replicas().size() == 3
                && replicas().stream().noneMatch(r -> r.getMetadata().getName().equals(lost.getMetadata().getName())));
        Set<String> poolsAfter = replicas().stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        assertThat(poolsAfter).doesNotContain(lost.getSpec().pool()).hasSize(3)
                .containsAll(poolsBefore.stream().filter(p -> !p.equals(lost.getSpec().pool())).toList());
        assertThat(replicas()).allMatch(r -> r.getStatus() != null && r.getStatus().phase() == ReplicaPhase.HEALTHY);
        // The target took the new replica in and retired the lost one through its management API: the
        // same process serves on, and the data reads back at once.
        assertThat(targetPid()).isEqualTo(targetPid);
        stack.qemu().run(url, List.of("read -P 0x3c 0 8M"));
    }

    private long targetPid() {
        return stack.sandbox().runner().process("target-" + VOLUME).orElseThrow(() -> new AssertionError("no target runs"))
                .pid();
    }

    private String nodeOf(String pool) {
        return stack.sandbox().client().resources(StoragePool.class).inNamespace(NAMESPACE).withName(pool).get()
                .getSpec().nodeName();
    }

    private List<VolumeReplica> replicas() {
        return stack.sandbox().client().resources(VolumeReplica.class).inNamespace(NAMESPACE)
                .withLabel("basalt.io/volume", VOLUME).list().getItems();
    }

    private ReplicaPhase phaseOf(String replica) {
        VolumeReplica current = stack.sandbox().client().resources(VolumeReplica.class).inNamespace(NAMESPACE)
                .withName(replica).get();
        return current == null || current.getStatus() == null ? null : current.getStatus().phase();
    }

    private VolumeTarget target() {
        return stack.sandbox().client().resources(VolumeTarget.class).inNamespace(NAMESPACE).withName(VOLUME).get();
    }

    private TargetPhase targetPhase() {
        VolumeTarget target = target();
        return target == null || target.getStatus() == null ? null : target.getStatus().phase();
    }

    private int healthyReplicas() {
        VolumeTarget target = target();
        return target == null || target.getStatus() == null || target.getStatus().healthyReplicas() == null ? 0
                : target.getStatus().healthyReplicas();
    }
}
