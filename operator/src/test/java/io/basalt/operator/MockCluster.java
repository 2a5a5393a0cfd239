package io.basalt.operator;

import io.basalt.api.v1alpha1.BasaltResources;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.fabric8.kubernetes.api.model.Service;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A Kubernetes API (the fabric8 mock server in CRUD mode, with Basalt's CRDs) and an operator running
 * the given reconcilers against it, configured as production runs it: no server-side apply. Like a
 * cluster's service controller, it gives every Service of Basalt's namespace a cluster IP shortly after
 * it is created (the mock server itself assigns none).
 */
public final class MockCluster implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final ScheduledExecutorService serviceController = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "mock-service-controller");
        thread.setDaemon(true);
        return thread;
    });
    private Operator operator;

    /** A cluster whose Services get the cluster IPs 10.96.0.1, 10.96.0.2, ... in order of creation. */
    public MockCluster() {
        this(sequentialIps());
    }

    /** A cluster whose Services get the cluster IP {@code clusterIps} chooses for each. */
    public MockCluster(Function<Service, String> clusterIps) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        registerCrds();
        serviceController.scheduleWithFixedDelay(() -> assignClusterIps(clusterIps), 100, 100, TimeUnit.MILLISECONDS);
    }

    private static Function<Service, String> sequentialIps() {
        AtomicInteger next = new AtomicInteger(1);
        return service -> "10.96." + (next.get() / 250) + "." + (next.getAndIncrement() % 250 + 1);
    }

    private void assignClusterIps(Function<Service, String> clusterIps) {
        try {
            for (Service service : client.services().inNamespace(BasaltResources.NAMESPACE).list().getItems()) {
                String ip = service.getSpec().getClusterIP();
                if (ip == null || ip.isEmpty()) {
                    client.services().inNamespace(BasaltResources.NAMESPACE).withName(service.getMetadata().getName())
                            .edit(s -> {
                                s.getSpec().setClusterIP(clusterIps.apply(s));
                                return s;
                            });
                }
            }
        } catch (RuntimeException e) {
            // A Service deleted between list and edit, or the server closing: the next round sees it.
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public void startOperator(List<Reconciler<?>> reconcilers) {
        operator = new Operator(o -> o.withKubernetesClient(client)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .withCloseClientOnStop(false));
        reconcilers.forEach(r -> operator.register(r, c -> c.settingNamespaces(BasaltResources.NAMESPACE)));
        operator.start();
    }

    public void stopOperator() {
        if (operator != null) {
            operator.stop();
            operator = null;
        }
    }

    @Override
    public void close() {
        serviceController.shutdownNow();
        stopOperator();
        client.close();
        server.destroy();
    }

    private void registerCrds() {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("basalt.crds.dir")))) {
            for (Path file : files.toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    client.apiextensions().v1().customResourceDefinitions()
                            .resource(Serialization.unmarshal(in, CustomResourceDefinition.class)).create();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
