package io.basalt.operator;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.operator.engine.GrpcEngineClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator process: {@code java -jar basalt-operator.jar [--namespace NS] [--engine-image IMAGE]
 * [--replica-grace-period 5m] [--status-interval 3s]}.
 */
@Command(name = "basalt-operator", mixinStandardHelpOptions = true,
        description = "Reconciles Basalt's custom resources into pools, replicas and targets.")
public final class OperatorMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

    @Option(names = "--namespace", defaultValue = "${env:BASALT_NAMESPACE:-" + BasaltResources.NAMESPACE + "}",
            description = "The namespace whose Basalt resources to reconcile (default: ${DEFAULT-VALUE}).")
    private String namespace;

    @Option(names = "--engine-image", defaultValue = "${env:BASALT_ENGINE_IMAGE:-basalt/operator:latest}",
            description = "The image of pool and target pods (default: ${DEFAULT-VALUE}).")
    private String engineImage;

    @Option(names = "--replica-grace-period", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long a pool may stay offline before its replicas are rebuilt on other pools"
                    + " (default: ${DEFAULT-VALUE}).")
    private Duration replicaGracePeriod;

    @Option(names = "--status-interval", defaultValue = "3s", converter = DurationConverter.class,
            description = "How often pools, replicas and targets are asked for their state (default: ${DEFAULT-VALUE}).")
    private Duration statusInterval;

    @Option(names = "--engine-call-timeout", defaultValue = "5s", converter = DurationConverter.class,
            description = "Deadline of each call to a pool's or target's management API (default: ${DEFAULT-VALUE}).")
    private Duration engineCallTimeout;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OperatorMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        // The Kubernetes connection comes from the usual places: kubeconfig, in-cluster account, env.
        KubernetesClient client = new KubernetesClientBuilder().build();
        Operator operator = new Operator(o -> o.withKubernetesClient(client)
                // Server-side apply is left off so that every environment, test servers included,
                // sees the same plain updates and merge patches.
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false));
        GrpcEngineClients engines = GrpcEngineClients.network(engineCallTimeout);
        OperatorSettings settings = new OperatorSettings(engineImage, statusInterval, replicaGracePeriod);
        Reconcilers.all(settings, engines).forEach(r -> operator.register(r, c -> c.settingNamespaces(namespace)));
        operator.installShutdownHook(Duration.ofSeconds(10));
        Runtime.getRuntime().addShutdownHook(new Thread(engines::close, "engine-clients-close"));
        operator.start();
        LOG.atInfo().addKeyValue("namespace", namespace).addKeyValue("replicaGracePeriod", replicaGracePeriod)
                .log("operator started");
        Thread.currentThread().join();
        return 0;
    }
}
