package io.basalt.sandbox.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;

/**
 * A Kubernetes API on a real loopback port: the fabric8 mock server in CRUD mode, with Basalt's CRDs
 * registered first so that their status is a subresource, as on a real API server. Other processes
 * reach it over plain HTTP through a kubeconfig.
 */
public final class EmbeddedApiServer implements AutoCloseable {

    /** The CRDs packaged with the sandbox, one file per kind (generated from the api module). */
    private static final List<String> CRD_FILES = List.of(
            "storagepoolclusters.basalt.io-v1.yml", "storagepools.basalt.io-v1.yml", "volumeclaims.basalt.io-v1.yml",
            "volumetargets.basalt.io-v1.yml", "volumereplicas.basalt.io-v1.yml", "blocksnapshots.basalt.io-v1.yml");

    /**
     * The mock server logs every request through java.util.logging at INFO; held here so that the
     * quieter level set on it is not lost when the logger would otherwise be collected.
     */
    private static final java.util.logging.Logger REQUEST_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final List<CustomResourceDefinition> crds;

    private EmbeddedApiServer(KubernetesMockServer server, KubernetesClient client,
                              List<CustomResourceDefinition> crds) {
        this.server = server;
        this.client = client;
        this.crds = crds;
    }

    /** Starts the server on a free loopback port and registers the CRDs. */
    public static EmbeddedApiServer start() {
        REQUEST_LOG.setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        List<CustomResourceDefinition> crds = CRD_FILES.stream().map(EmbeddedApiServer::readCrd).toList();
        crds.forEach(crd -> client.apiextensions().v1().customResourceDefinitions().resource(crd).create());
        return new EmbeddedApiServer(server, client, crds);
    }

    /** The server's URL, e.g. {@code http://127.0.0.1:34567}. */
    public String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    /** A client of the server, shared by the sandbox's own parts. */
    public KubernetesClient client() {
        return client;
    }

    /** Basalt's CRDs, as registered. */
    public List<CustomResourceDefinition> crds() {
        return crds;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static CustomResourceDefinition readCrd(String file) {
        String resource = "/io/basalt/sandbox/crds/" + file;
        try (InputStream in = EmbeddedApiServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("CRD " + resource + " is not packaged with the sandbox");
            }
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CRD " + resource, e);
        }
    }
}
