package io.basalt.systemtest;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumePhase;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The fabric8 mock API server in CRUD mode with Basalt's CRDs, listening on the host's loopback so
 * that the guest reaches it at 10.0.2.2. It plays the operator's part: it makes VolumeClaims Bound.
 */
final class MockKubernetes implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockKubernetes(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    static MockKubernetes start(int port, Path crdDirectory) throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        MockKubernetes api = new MockKubernetes(server);
        try (Stream<Path> crds = Files.list(crdDirectory)) {
            for (Path crd : crds.filter(file -> file.toString().endsWith(".yml")).sorted().toList()) {
                api.client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
            }
        } catch (UncheckedIOException e) {
            api.close();
            throw e.getCause();
        }
        return api;
    }

    KubernetesClient client() {
        return client;
    }

    /** A Bound VolumeClaim served at {@code portal}, with its CHAP Secret, as the operator leaves it. */
    void bind(String volumeId, long capacityBytes, VolumeMode mode, FsType fsType, String portal, String iqn,
              String chapUser, String chapSecret) {
        String secretName = volumeId + "-chap";
        client.resource(new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(secretName).withNamespace(BasaltResources.NAMESPACE).build())
                .withStringData(Map.of(ChapSecret.USERNAME, chapUser, ChapSecret.PASSWORD, chapSecret))
                .build()).create();
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName(volumeId).withNamespace(BasaltResources.NAMESPACE).build());
        claim.setSpec(new VolumeClaimSpec(capacityBytes, "pools", 1, mode, fsType, null, null));
        claim = client.resource(claim).create();
        claim.setStatus(new VolumeClaimStatus(claim.getMetadata().getGeneration(),
                List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Serving")
                        .withMessage("the target serves the volume").build()),
                VolumePhase.BOUND, capacityBytes, portal, iqn, secretName, volumeId));
        client.resource(claim).updateStatus();
    }

    VolumeClaim claim(String volumeId) {
        return client.resources(VolumeClaim.class).inNamespace(BasaltResources.NAMESPACE).withName(volumeId).get();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
