package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.ControllerGrpc;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.driver.kube.BasaltCluster;
import io.basalt.driver.server.CsiEndpoint;
import io.basalt.driver.server.CsiServer;
import io.basalt.driver.server.InFlight;
import io.basalt.driver.server.Readiness;
import io.basalt.driver.server.UnixSocketClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Controller service over a real unix socket, against the fabric8 mock API server in CRUD mode
 * with Basalt's CRDs registered, so status is a subresource as in a real cluster. One API server
 * serves a test class; each test starts from an empty namespace and a fresh controller.
 */
abstract class ControllerFixture {

    static final long GIB = 1L << 30;
    static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    static KubernetesMockServer apiServer;
    static KubernetesClient kubernetes;
    BasaltCluster cluster;
    InFlight inFlight;
    ControllerGrpc.ControllerBlockingStub controller;

    private CsiServer csi;
    private UnixSocketClient client;

    @BeforeAll
    static void startMockApiServer() throws IOException {
        apiServer = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        apiServer.init();
        kubernetes = apiServer.createClient();
        registerCrds();
    }

    @AfterAll
    static void stopMockApiServer() {
        kubernetes.close();
        apiServer.destroy();
    }

    @BeforeEach
    void startController() {
        cluster = new BasaltCluster(kubernetes, BasaltResources.NAMESPACE);
        inFlight = new InFlight();
        Path socket = dir.resolve("csi.sock");
        csi = CsiServer.start(new CsiEndpoint(socket), new Readiness(),
                List.of(new ControllerService(cluster, inFlight)));
        client = new UnixSocketClient(socket);
        controller = ControllerGrpc.newBlockingStub(client.channel());
    }

    @AfterEach
    void stopControllerAndForgetItsResources() throws InterruptedException {
        client.close();
        csi.shutdown(Duration.ofSeconds(1));
        for (Class<? extends HasMetadata> kind : List.of(VolumeClaim.class, BlockSnapshot.class, StoragePool.class,
                VolumeTarget.class)) {
            kubernetes.resources(kind).inNamespace(BasaltResources.NAMESPACE).delete();
        }
    }

    static CreateVolumeRequest.Builder createRequest(String name) {
        return CreateVolumeRequest.newBuilder()
                .setName(name)
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(GIB))
                .addVolumeCapabilities(mount("ext4"))
                .putParameters("poolCluster", "fast");
    }

    static VolumeCapability mount(String fsType) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType))
                .setAccessMode(accessMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    static VolumeCapability block() {
        return VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(accessMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    static VolumeCapability.AccessMode accessMode(VolumeCapability.AccessMode.Mode mode) {
        return VolumeCapability.AccessMode.newBuilder().setMode(mode).build();
    }

    /** What the node plugin does when it stages the volume: record the consumer node. */
    void recordConsumer(String volumeId, String node) {
        VolumeClaim claim = cluster.volumeClaim(volumeId).orElseThrow();
        claim.setSpec(claim.getSpec().withNodeName(node));
        cluster.update(claim);
    }

    /** Asserts that {@code call} fails with {@code code} and a message containing {@code message}. */
    static void assertFailsWith(Status.Code code, String message, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.getStatus().getCode()).isEqualTo(code);
                    org.assertj.core.api.Assertions.assertThat(e.getStatus().getDescription()).contains(message);
                });
    }

    private static void registerCrds() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("basalt.crds.dir")))) {
            for (Path file : files.toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
                    kubernetes.apiextensions().v1().customResourceDefinitions().resource(crd).create();
                }
            }
        }
    }
}
