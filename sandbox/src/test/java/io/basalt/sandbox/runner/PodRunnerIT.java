package io.basalt.sandbox.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.PoolStatusRequest;
import io.basalt.sandbox.api.EmbeddedApiServer;
import io.basalt.sandbox.process.ManagedProcess;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner with real engine pool servers: the pods the operator's Deployments describe, run locally. */
class PodRunnerIT {

    private static final String NAMESPACE = "basalt-system";
    private static final Path ROOT = Path.of(System.getProperty("basalt.root"));
    private static final Path ENGINE_JAR = ROOT.resolve("engine/target/basalt-engine.jar");
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private EmbeddedApiServer api;
    private KubernetesClient client;
    private PodRunner runner;
    private Path work;

    @BeforeEach
    void startRunner() throws Exception {
        Path base = Path.of(System.getProperty("basalt.it.workdir", System.getProperty("java.io.tmpdir")));
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "runner");
        api = EmbeddedApiServer.start();
        client = api.client();
        runner = new PodRunner(client, NAMESPACE, new RunnerSettings(List.of("node-a", "node-b", "node-c"),
                ProcessHandle.current().info().command().orElse("java"),
                Map.of("/opt/basalt/basalt-engine.jar", ENGINE_JAR),
                work.resolve("nodes"), work.resolve("pods"), work.resolve("logs"), Duration.ofSeconds(10)));
        runner.start();
    }

    @AfterEach
    void stopRunner() {
        runner.close();
        api.close();
    }

    @Test
    void aServiceWithoutClusterIpGetsALoopbackAddressOfItsOwn() {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        client.services().inNamespace(NAMESPACE).resource(service("pool-y")).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> clusterIp("pool-x") != null && clusterIp("pool-y") != null);
        assertThat(clusterIp("pool-x")).startsWith("127.").isNotEqualTo("127.0.0.1").isNotEqualTo(clusterIp("pool-y"));
    }

    @Test
    void aPoolDeploymentRunsOnItsNodeAtItsServiceAddressAndServesThere() throws Exception {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        client.apps().deployments().inNamespace(NAMESPACE).resource(poolDeployment("pool-x", "node-b", "")).create();

        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
        Pod pod = onlyPod();
        String ip = clusterIp("pool-x");
        assertThat(pod.getSpec().getNodeName()).isEqualTo("node-b");
        assertThat(pod.getStatus().getPodIP()).isEqualTo(ip);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(poolCapacity(ip)).isPositive();
        assertThat(work.resolve("nodes/node-b/var/lib/basalt/pool")).isDirectoryContaining(p -> true);
        assertThat(Files.readString(work.resolve("logs/pool-x.log"))).contains("replica pool ready");
    }

    @Test
    void aKilledPodProcessIsRestartedAndCounted() {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        client.apps().deployments().inNamespace(NAMESPACE).resource(poolDeployment("pool-x", "node-a", "")).create();
        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
        ManagedProcess first = runner.process("pool-x").orElseThrow();

        first.kill();

        await().atMost(STARTUP).until(() -> runner.process("pool-x").map(p -> p.pid() != first.pid()).orElse(false)
                && readyReplicas("pool-x") == 1);
        assertThat(onlyPod().getStatus().getContainerStatuses().getFirst().getRestartCount()).isEqualTo(1);
        assertThat(onlyPod().getStatus().getContainerStatuses().getFirst().getLastState().getTerminated().getExitCode())
                .isEqualTo(137);
    }

    @Test
    void aChangedTemplateReplacesThePodAndADeletedDeploymentStopsIt() {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        client.apps().deployments().inNamespace(NAMESPACE).resource(poolDeployment("pool-x", "node-a", "")).create();
        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
        ManagedProcess first = runner.process("pool-x").orElseThrow();
        String firstPod = onlyPod().getMetadata().getName();

        client.apps().deployments().inNamespace(NAMESPACE).resource(poolDeployment("pool-x", "node-a", "64Mi")).update();

        await().atMost(STARTUP).until(() -> !first.isAlive() && runner.process("pool-x").isPresent()
                && readyReplicas("pool-x") == 1 && !onlyPod().getMetadata().getName().equals(firstPod));
        ManagedProcess second = runner.process("pool-x").orElseThrow();

        client.apps().deployments().inNamespace(NAMESPACE).withName("pool-x").delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> !second.isAlive()
                && client.pods().inNamespace(NAMESPACE).list().getItems().isEmpty());
    }

    @Test
    void aPodWaitsForTheSecretItsEnvironmentNamesAndStartsOnceItExists() {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        Deployment deployment = new DeploymentBuilder(poolDeployment("pool-x", "node-a", "")).editSpec().editTemplate()
                .editSpec().editFirstContainer().addNewEnv().withName("BASALT_SECRET").withNewValueFrom()
                .withNewSecretKeyRef().withName("later").withKey("password").endSecretKeyRef().endValueFrom().endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();
        client.apps().deployments().inNamespace(NAMESPACE).resource(deployment).create();

        await().atMost(Duration.ofSeconds(10)).until(() -> "CreateContainerConfigError".equals(waitingReason()));

        client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("later")
                .endMetadata().addToStringData("password", "now").build()).create();
        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
    }

    @Test
    void aPodOnANodeTakenDownIsKilledAndStaysDownUntilTheNodeReturns() {
        client.services().inNamespace(NAMESPACE).resource(service("pool-x")).create();
        client.apps().deployments().inNamespace(NAMESPACE).resource(poolDeployment("pool-x", "node-c", "")).create();
        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
        ManagedProcess process = runner.process("pool-x").orElseThrow();

        runner.takeDown("node-c");

        assertThat(process.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> readyReplicas("pool-x") == 0
                && "NodeLost".equals(waitingReason()));
        assertThat(runner.process("pool-x")).isEmpty();

        runner.bringUp("node-c");
        await().atMost(STARTUP).until(() -> readyReplicas("pool-x") == 1);
    }

    private String waitingReason() {
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems();
        if (pods.size() != 1 || pods.getFirst().getStatus() == null) {
            return null;
        }
        var state = pods.getFirst().getStatus().getContainerStatuses().getFirst().getState();
        return state.getWaiting() == null ? null : state.getWaiting().getReason();
    }

    private Pod onlyPod() {
        List<Pod> pods = client.pods().inNamespace(NAMESPACE).list().getItems();
        assertThat(pods).hasSize(1);
        return pods.getFirst();
    }

    private int readyReplicas(String deployment) {
        Deployment current = client.apps().deployments().inNamespace(NAMESPACE).withName(deployment).get();
        return current == null || current.getStatus() == null || current.getStatus().getReadyReplicas() == null
                ? 0 : current.getStatus().getReadyReplicas();
    }

    private String clusterIp(String service) {
        String ip = client.services().inNamespace(NAMESPACE).withName(service).get().getSpec().getClusterIP();
        return ip == null || ip.isEmpty() ? null : ip;
    }

    private static long poolCapacity(String ip) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(ip, 9501).usePlaintext().build();
        try {
            return PoolManagementGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .poolStatus(PoolStatusRequest.getDefaultInstance()).getCapacityBytes();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static io.fabric8.kubernetes.api.model.Service service(String name) {
        return new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withSelector(Map.of("app", name))
                    .addNewPort().withName("mgmt").withPort(9501).withTargetPort(new IntOrString(9501)).endPort()
                .endSpec().build();
    }

    /** A pool server Deployment as the operator writes one; {@code capacity} varies the template. */
    private static Deployment poolDeployment(String name, String node, String capacity) {
        List<String> args = new java.util.ArrayList<>(List.of("pool", "--dir", "/var/lib/basalt/pool",
                "--listen", "0.0.0.0:9500", "--mgmt", "0.0.0.0:9501"));
        if (!capacity.isEmpty()) {
            args.addAll(List.of("--capacity", capacity));
        }
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(1)
                    .withNewSelector().withMatchLabels(Map.of("app", name)).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(Map.of("app", name)).endMetadata()
                        .withNewSpec()
                            .withNodeSelector(Map.of("kubernetes.io/hostname", node))
                            .addNewContainer().withName("pool").withImage("basalt/operator:test")
                                .withCommand("java", "-jar", "/opt/basalt/basalt-engine.jar")
                                .withArgs(args)
                                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(9501))
                                    .endTcpSocket().withPeriodSeconds(1).endReadinessProbe()
                                .addNewVolumeMount().withName("pool").withMountPath("/var/lib/basalt/pool").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName("pool").withNewHostPath().withPath("/var/lib/basalt/pool")
                                .endHostPath().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec().build();
    }
}
