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
import io.basalt.sandbox.tour.CsiClient;
import io.basalt.sandbox.tour.QemuIo;
import io.basalt.sandbox.tour.Volumes;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final Path ROOT = Path.of(System.getProperty("basalt.root"));
    private static final String NAMESPACE = BasaltResources.NAMESPACE;
    private static final String VOLUME = "replaced-vol";
    private static final long SIZE = 64L << 20;
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c", "node-d");

    private Sandbox sandbox;
    private CsiClient csi;
    private Volumes volumes;
    private QemuIo qemu;

    @BeforeEach
    void startStackWithASparePool() throws Exception {
        Path base = Path.of(System.getProperty("basalt.it.workdir"));
        Files.createDirectories(base);
        Path data = Files.createTempDirectory(base, "replacement");
        sandbox = Sandbox.start(new SandboxSettings(data, data.resolve("csi.sock"),
                ProcessHandle.current().info().command().orElse("java"),
                ROOT.resolve("engine/target/basalt-engine.jar"), ROOT.resolve("operator/target/basalt-operator.jar"),
                ROOT.resolve("driver/target/basalt-driver.jar"), NODES,
                List.of("--replica-grace-period=5s", "--status-interval=1s")));
        csi = new CsiClient(data.resolve("csi.sock"));
        volumes = new Volumes(sandbox.client(), csi);
        qemu = new QemuIo(data.resolve("qemu"));
    }

    @AfterEach
    void stopStack() throws InterruptedException {
        if (csi != null) {
            csi.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void aLostPoolIsReportedDegradedAndItsReplicaReplacedOnTheSparePool() {
        await().atMost(Duration.ofSeconds(60)).until(() -> pools().stream()
                .filter(p -> p.getStatus() != null && p.getStatus().phase() == PoolPhase.ONLINE).count() == NODES.size());
        volumes.create(VOLUME, SIZE, 3, Optional.empty());
        volumes.recordConsumer(VOLUME, SandboxSettings.CONSUMER_NODE);
        VolumeClaimStatus bound = volumes.awaitBound(VOLUME, Duration.ofSeconds(60));
        String url = volumes.url(bound);
        qemu.run(url, List.of("write -P 0x3c 0 8M"));
        VolumeReplica lost = replicas().stream()
                .filter(r -> !nodeOf(r.getSpec().pool()).equals(SandboxSettings.CONSUMER_NODE))
                .findFirst().orElseThrow();
        Set<String> poolsBefore = replicas().stream().map(r -> r.getSpec().pool()).collect(Collectors.toSet());
        long targetPid = targetPid();

        sandbox.runner().takeDown(nodeOf(lost.getSpec().pool()));

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
        qemu.run(url, List.of("read -P 0x3c 0 8M"));
    }

    private long targetPid() {
        return sandbox.runner().process("target-" + VOLUME).orElseThrow(() -> new AssertionError("no target runs"))
                .pid();
    }

    private List<StoragePool> pools() {
        return sandbox.client().resources(StoragePool.class).inNamespace(NAMESPACE).list().getItems();
    }

    private String nodeOf(String pool) {
        return sandbox.client().resources(StoragePool.class).inNamespace(NAMESPACE).withName(pool).get()
                .getSpec().nodeName();
    }

    private List<VolumeReplica> replicas() {
        return sandbox.client().resources(VolumeReplica.class).inNamespace(NAMESPACE)
                .withLabel("basalt.io/volume", VOLUME).list().getItems();
    }

    private ReplicaPhase phaseOf(String replica) {
        VolumeReplica current = sandbox.client().resources(VolumeReplica.class).inNamespace(NAMESPACE)
                .withName(replica).get();
        return current == null || current.getStatus() == null ? null : current.getStatus().phase();
    }

    private VolumeTarget target() {
        return sandbox.client().resources(VolumeTarget.class).inNamespace(NAMESPACE).withName(VOLUME).get();
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
