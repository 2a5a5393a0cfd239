package io.basalt.driver;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.driver.controller.ControllerService;
import io.basalt.driver.exec.ProcessCommandRunner;
import io.basalt.driver.identity.IdentityService;
import io.basalt.driver.kube.BasaltCluster;
import io.basalt.driver.node.NodeOptions;
import io.basalt.driver.node.NodeServiceFactory;
import io.basalt.driver.server.InFlight;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.BindableService;
import java.util.ArrayList;
import io.basalt.driver.server.CsiEndpoint;
import io.basalt.driver.server.CsiServer;
import io.basalt.driver.server.EndpointException;
import io.basalt.driver.server.Readiness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.BindableService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** The CSI driver process: {@code java -jar basalt-driver.jar --endpoint unix:///csi/csi.sock --mode node ...}. */
@Command(name = "basalt-driver", mixinStandardHelpOptions = true, versionProvider = DriverMain.Version.class,
        description = "Serves the CSI services of " + PluginInfo.DRIVER_NAME + " on a unix domain socket.",
        footer = {"", "Exit codes: 0 stopped on SIGTERM/SIGINT, 1 failed while serving, 2 bad arguments,"
                + " 3 endpoint unusable (in use, not a socket, not writable)."})
public final class DriverMain implements Callable<Integer> {

    static final int EXIT_ENDPOINT_UNUSABLE = 3;
    private static final Logger LOG = LoggerFactory.getLogger(DriverMain.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    @Option(names = "--endpoint", defaultValue = "${env:CSI_ENDPOINT:-unix:///csi/csi.sock}",
            converter = EndpointConverter.class,
            description = "The socket to serve on, unix:///absolute/path (default: ${DEFAULT-VALUE}).")
    private CsiEndpoint endpoint;

    @Option(names = "--mode", defaultValue = "all",
            description = "Which services to run: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private DriverMode mode;

    @Option(names = "--node-id", defaultValue = "${env:NODE_NAME}",
            description = "This node's name, as Kubernetes knows it; required in modes node and all (default: $NODE_NAME).")
    private String nodeId;

    @Option(names = "--namespace", defaultValue = "${env:BASALT_NAMESPACE:-" + BasaltResources.NAMESPACE + "}",
            description = "The namespace of Basalt's custom resources and Secrets (default: ${DEFAULT-VALUE}).")
    private String namespace;

    @CommandLine.Mixin
    private NodeOptions nodeOptions;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new DriverMain())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (mode != DriverMode.CONTROLLER && (nodeId == null || nodeId.isBlank())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--node-id (or $NODE_NAME) is required in mode " + mode.name().toLowerCase());
        }
        // The Kubernetes connection comes from the usual places: kubeconfig, in-cluster account, env.
        try (KubernetesClient kubernetes = new KubernetesClientBuilder().build()) {
            Readiness readiness = new Readiness();
            List<BindableService> services = new ArrayList<>();
            services.add(new IdentityService(PluginInfo.current(), readiness));
            if (mode.servesController()) {
                services.add(new ControllerService(new BasaltCluster(kubernetes, namespace), new InFlight()));
            }
            if (mode.servesNode()) {
                services.add(NodeServiceFactory.create(nodeOptions.settings(nodeId), kubernetes, namespace,
                        new ProcessCommandRunner()));
            }
            CsiServer server;
            try {
                server = CsiServer.start(endpoint, readiness, services);
            } catch (EndpointException e) {
                spec.commandLine().getErr().println("basalt-driver: " + e.getMessage());
                return EXIT_ENDPOINT_UNUSABLE;
            }
            LOG.atInfo().addKeyValue("mode", mode).addKeyValue("nodeId", nodeId).addKeyValue("namespace", namespace)
                    .log("driver ready");
            awaitStopSignal();
            LOG.info("stop requested; draining calls for at most {}", SHUTDOWN_GRACE);
            server.shutdown(SHUTDOWN_GRACE);
            return 0;
        }
    }

    private static void awaitStopSignal() throws InterruptedException {
        CountDownLatch stopRequested = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
        Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
        stopRequested.await();
    }

    static final class EndpointConverter implements CommandLine.ITypeConverter<CsiEndpoint> {
        @Override
        public CsiEndpoint convert(String value) {
            try {
                return CsiEndpoint.parse(value);
            } catch (EndpointException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            PluginInfo info = PluginInfo.current();
            return new String[] {info.name() + " " + info.version()};
        }
    }
}
