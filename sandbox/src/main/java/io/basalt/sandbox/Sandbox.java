package io.basalt.sandbox;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.PoolEntry;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.basalt.api.v1alpha1.StoragePoolClusterSpec;
import io.basalt.sandbox.api.EmbeddedApiServer;
import io.basalt.sandbox.api.Kubeconfig;
import io.basalt.sandbox.process.ManagedProcess;
import io.basalt.sandbox.runner.PodRunner;
import io.basalt.sandbox.runner.RunnerSettings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack on this machine: the embedded Kubernetes API with Basalt's CRDs, the pod runner,
 * the operator and the CSI driver as their own processes, and a StoragePoolCluster with one pool per
 * node. Closing it stops every process it started.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
    /** The image path of the engine jar in the engine image (Dockerfile.operator). */
    static final String ENGINE_JAR_IN_IMAGE = "/opt/basalt/basalt-engine.jar";
    static final String POOL_HOST_PATH = "/var/lib/basalt/pool";
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration DRIVER_START_LIMIT = Duration.ofSeconds(60);

    private final SandboxSettings settings;
    private final EmbeddedApiServer api;
    private final PodRunner runner;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private ManagedProcess operator;

    private Sandbox(SandboxSettings settings, EmbeddedApiServer api, PodRunner runner) {
        this.settings = settings;
        this.api = api;
        this.runner = runner;
    }

    /** Starts everything; on failure stops what already started and throws. */
    public static Sandbox start(SandboxSettings settings) {
        EmbeddedApiServer api = EmbeddedApiServer.start();
        Sandbox sandbox = null;
        try {
            Kubeconfig.write(settings.kubeconfig(), api.url(), BasaltResources.NAMESPACE);
            api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata()
                    .withName(BasaltResources.NAMESPACE).endMetadata().build()).create();
            PodRunner runner = new PodRunner(api.client(), BasaltResources.NAMESPACE, new RunnerSettings(
                    settings.nodes(), settings.javaBinary(), Map.of(ENGINE_JAR_IN_IMAGE, settings.engineJar()),
                    settings.dataDirectory().resolve("nodes"), settings.dataDirectory().resolve("pods"),
                    settings.logsDirectory().resolve("pods"), STOP_GRACE));
            sandbox = new Sandbox(settings, api, runner);
            runner.start();
            sandbox.startOperator();
            sandbox.startDriver();
            sandbox.applyPoolCluster();
            return sandbox;
        } catch (RuntimeException e) {
            if (sandbox != null) {
                sandbox.close();
            } else {
                api.close();
            }
            throw e;
        }
    }

    public SandboxSettings settings() {
        return settings;
    }

    public String apiUrl() {
        return api.url();
    }

    public KubernetesClient client() {
        return api.client();
    }

    public EmbeddedApiServer api() {
        return api;
    }

    public PodRunner runner() {
        return runner;
    }

    /**
     * Kills the operator with SIGKILL, as a crashed node or an OOM kill ends it: no shutdown hook runs
     * and whatever it was doing stops half done. {@link #startOperator()} brings it back.
     */
    public void killOperator() {
        if (operator == null) {
            throw new IllegalStateException("the operator is not running");
        }
        operator.kill();
        processes.remove(operator);
        LOG.warn("operator killed {}", kv("pid", operator.pid()));
        operator = null;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // The driver and operator first, so that nothing acts on pods while they stop.
        processes.reversed().forEach(p -> p.stop(STOP_GRACE));
        runner.close();
        api.close();
    }

    /** Starts the operator process; it finds whatever the one before it left and carries on from there. */
    public void startOperator() {
        if (operator != null) {
            throw new IllegalStateException("the operator already runs as pid " + operator.pid());
        }
        List<String> command = new ArrayList<>(List.of(settings.javaBinary(), "-jar",
                settings.operatorJar().toString(), "--namespace", BasaltResources.NAMESPACE,
                "--engine-image", "basalt/operator:sandbox"));
        command.addAll(settings.operatorArguments());
        operator = ManagedProcess.start("operator", command, clientEnvironment(),
                settings.dataDirectory().resolve("operator"), settings.logsDirectory().resolve("operator.log"));
        processes.add(operator);
        LOG.info("operator started {}", kv("pid", operator.pid()));
    }

    private void startDriver() {
        Path socket = settings.csiSocket();
        createDirectories(socket.getParent());
        ManagedProcess driver = ManagedProcess.start("driver", List.of(settings.javaBinary(), "-jar",
                        settings.driverJar().toString(), "--endpoint", "unix://" + socket, "--mode", "all",
                        "--node-id", SandboxSettings.CONSUMER_NODE),
                clientEnvironment(), settings.dataDirectory().resolve("driver"),
                settings.logsDirectory().resolve("driver.log"));
        processes.add(driver);
        Instant deadline = Instant.now().plus(DRIVER_START_LIMIT);
        while (!driverReady(driver)) {
            if (!driver.isAlive()) {
                throw new SandboxException("the CSI driver exited with " + driver.exitCode() + ":\n" + driver.tail(20));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new SandboxException("the CSI driver is not ready after " + DRIVER_START_LIMIT + ":\n"
                        + driver.tail(20));
            }
            sleep(Duration.ofMillis(100));
        }
        LOG.info("driver started {} {}", kv("pid", driver.pid()), kv("socket", socket.toString()));
    }

    private static boolean driverReady(ManagedProcess driver) {
        try {
            return Files.exists(driver.log()) && Files.readString(driver.log()).contains("driver ready");
        } catch (IOException e) {
            return false;
        }
    }

    private void applyPoolCluster() {
        StoragePoolCluster cluster = new StoragePoolCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName(SandboxSettings.POOL_CLUSTER)
                .withNamespace(BasaltResources.NAMESPACE).build());
        List<PoolEntry> pools = settings.nodes().stream()
                .map(node -> new PoolEntry(poolName(node), node, POOL_HOST_PATH, null)).toList();
        cluster.setSpec(new StoragePoolClusterSpec(pools, null, null));
        api.client().resource(cluster).create();
    }

    /** The pool on {@code node}: node-a holds pool a. */
    static String poolName(String node) {
        return node.startsWith("node-") ? node.substring("node-".length()) : node;
    }

    private Map<String, String> clientEnvironment() {
        return Map.of("KUBECONFIG", settings.kubeconfig().toString());
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while starting");
        }
    }
}
