package io.basalt.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static net.logstash.logback.argument.StructuredArguments.kv;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolPhase;
import io.basalt.api.v1alpha1.ReplicaEndpoint;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.TargetPhase;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.api.v1alpha1.VolumeReplica;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.sandbox.tour.PoolReplicas;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Through the whole stack with real engine processes: the operator process is killed with SIGKILL
 * while it provisions a volume and started again. The new operator finishes the volume from what the
 * old one left, and makes nothing twice: RF replicas, one on each pool, one VolumeTarget, one target
 * Deployment with one pod, one Service, one Secret, and the volume serves data over iSCSI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorCrashIT.class);
    private static final String NAMESPACE = BasaltResources.NAMESPACE;
    private static final String VOLUME_LABEL = "basalt.io/volume";
    private static final long SIZE = 64L << 20;
    private static final int REPLICAS = 3;
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    /** Short enough to catch the operator between two of the calls it makes to provision a volume. */
    private static final Duration KILL_POLL = Duration.ofMillis(5);

    private SandboxStack stack;

    @BeforeAll
    void startStackWithThreePools() throws Exception {
        stack = SandboxStack.start("crash", NODES, List.of("--status-interval=1s"));
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.pools().stream()
                .filter(p -> p.getStatus() != null && p.getStatus().phase() == PoolPhase.ONLINE
                        && p.getStatus().managementEndpoint() != null)
                .count() == NODES.size());
    }

    @AfterAll
    void stopStack() throws InterruptedException {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void killedAsSoonAsTheFirstReplicaExistsTheRestartedOperatorFinishesTheVolumeWithNothingTwice() {
        String volume = "crash-early";
        stack.volumes().create(volume, SIZE, REPLICAS, Optional.empty());
        stack.volumes().recordConsumer(volume, SandboxSettings.CONSUMER_NODE);

        killOperatorOnce(() -> !replicas(volume).isEmpty());
        assertNotServingYet(volume);
        stack.sandbox().startOperator();

        assertConvergedWithNothingTwice(volume, "0x5e");
    }

    @Test
    void killedRightAfterTheTargetDeploymentIsCreatedTheRestartedOperatorFinishesTheVolumeWithNothingTwice() {
        String volume = "crash-late";
        stack.volumes().create(volume, SIZE, REPLICAS, Optional.empty());
        stack.volumes().recordConsumer(volume, SandboxSettings.CONSUMER_NODE);

        killOperatorOnce(() -> !deployments(volume).isEmpty());
        assertNotServingYet(volume);
        stack.sandbox().startOperator();

        assertConvergedWithNothingTwice(volume, "0x7c");
    }

    /** SIGKILLs the operator the moment {@code state} holds, polling the API as fast as it answers. */
    private void killOperatorOnce(BooleanSupplier state) {
        await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(KILL_POLL)
                .until(state::getAsBoolean);
        stack.sandbox().killOperator();
    }

    /** The kill came mid-provisioning: the claim is not Bound and no target pod serves yet. */
    private void assertNotServingYet(String volume) {
        String left = "left by the killed operator: replicas " + names(replicas(volume)) + ", VolumeTargets "
                + names(targets(volume)) + ", Deployments " + names(deployments(volume));
        LOG.info("operator killed mid-provisioning {} {}", kv("volume", volume), kv("left", left));
        VolumeClaimStatus status = stack.volumes().claim(volume).getStatus();
        assertThat(status == null ? null : status.phase()).as(left).isNotEqualTo(VolumePhase.BOUND);
        assertThat(deployments(volume)).as(left).allMatch(d -> d.getStatus() == null
                || d.getStatus().getReadyReplicas() == null || d.getStatus().getReadyReplicas() == 0);
    }

    private void assertConvergedWithNothingTwice(String volume, String pattern) {
        VolumeClaimStatus bound = stack.volumes().awaitBound(volume, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> allReplicasHealthy(volume));

        List<VolumeReplica> replicas = replicas(volume);
        assertThat(replicas).hasSize(REPLICAS);
        assertThat(replicas).extracting(r -> r.getSpec().pool()).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(stack.pools().stream().map(p -> p.getMetadata().getName()).toList());
        assertThat(targets(volume)).singleElement().satisfies(target -> {
            assertThat(target.getMetadata().getName()).isEqualTo(bound.volumeTarget());
            assertThat(target.getSpec().nodeName()).isEqualTo(SandboxSettings.CONSUMER_NODE);
            assertThat(target.getSpec().replicas()).extracting(ReplicaEndpoint::replica)
                    .containsExactlyInAnyOrderElementsOf(names(replicas));
        });
        assertThat(deployments(volume)).singleElement()
                .satisfies(d -> assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1));
        assertThat(targetPods(volume)).singleElement()
                .satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(SandboxSettings.CONSUMER_NODE));
        assertThat(stack.sandbox().client().services().inNamespace(NAMESPACE).withLabel(VOLUME_LABEL, volume).list()
                .getItems()).singleElement();
        assertThat(stack.sandbox().client().secrets().inNamespace(NAMESPACE).withLabel(VOLUME_LABEL, volume).list()
                .getItems()).singleElement()
                .satisfies(s -> assertThat(s.getMetadata().getName()).isEqualTo(bound.chapSecretName()));
        Map<String, String> replicaByPool = replicas.stream()
                .collect(Collectors.toMap(r -> r.getSpec().pool(), r -> r.getMetadata().getName()));
        for (StoragePool pool : stack.pools()) {
            assertThat(poolReplicasOf(pool, volume)).as("replicas of %s in pool %s", volume, pool.getMetadata().getName())
                    .containsExactly(replicaByPool.get(pool.getMetadata().getName()));
        }
        // The login uses the one Secret's CHAP credentials: a second Secret would have left target and
        // initiator with different passwords.
        String url = stack.volumes().url(bound);
        stack.qemu().run(url, List.of("write -P " + pattern + " 0 4M"));
        stack.qemu().run(url, List.of("read -P " + pattern + " 0 4M"));
    }

    private boolean allReplicasHealthy(String volume) {
        return targets(volume).stream().anyMatch(t -> t.getStatus() != null
                && t.getStatus().phase() == TargetPhase.HEALTHY
                && Integer.valueOf(REPLICAS).equals(t.getStatus().healthyReplicas()));
    }

    /** The replicas of {@code volume} that {@code pool}'s server itself holds, asked over PoolManagement. */
    private static List<String> poolReplicasOf(StoragePool pool, String volume) {
        String endpoint = pool.getStatus().managementEndpoint();
        int colon = endpoint.lastIndexOf(':');
        try {
            return PoolReplicas.names(endpoint.substring(0, colon), Integer.parseInt(endpoint.substring(colon + 1)))
                    .stream().filter(name -> name.startsWith(volume + "-")).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while listing the replicas of " + pool.getMetadata().getName(), e);
        }
    }

    private List<VolumeReplica> replicas(String volume) {
        return stack.sandbox().client().resources(VolumeReplica.class).inNamespace(NAMESPACE)
                .withLabel(VOLUME_LABEL, volume).list().getItems();
    }

    private List<VolumeTarget> targets(String volume) {
        return stack.sandbox().client().resources(VolumeTarget.class).inNamespace(NAMESPACE)
                .withLabel(VOLUME_LABEL, volume).list().getItems();
    }

    private List<Deployment> deployments(String volume) {
        return stack.sandbox().client().apps().deployments().inNamespace(NAMESPACE).withLabel(VOLUME_LABEL, volume).list()
                .getItems();
    }

    private List<Pod> targetPods(String volume) {
        return stack.sandbox().client().pods().inNamespace(NAMESPACE).withLabel(VOLUME_LABEL, volume).list().getItems();
    }

    private static List<String> names(List<? extends HasMetadata> resources) {
        return resources.stream().map(r -> r.getMetadata().getName()).sorted().toList();
    }
}
