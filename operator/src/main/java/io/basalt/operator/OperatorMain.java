package io.basalt.operator;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.operator.placement.ReplicaPlacer;
import io.basalt.operator.pool.PoolServerTemplate;
import io.basalt.operator.pool.StoragePoolClusterReconciler;
import io.basalt.operator.status.Conditions;
import io.basalt.operator.volume.VolumeClaimReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The operator process: {@code java -jar basalt-operator.jar [--namespace NS] [--engine-image IMAGE]}. */
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
        Conditions conditions = new Conditions(Clock.systemUTC());
        operator.register(new StoragePoolClusterReconciler(new PoolServerTemplate(engineImage), conditions),
                c -> c.settingNamespaces(namespace));
        operator.register(new VolumeClaimReconciler(engineImage, new ReplicaPlacer(), conditions),
                c -> c.settingNamespaces(namespace));
        operator.installShutdownHook(Duration.ofSeconds(10));
        operator.start();
        LOG.atInfo().addKeyValue("namespace", namespace).log("operator started");
        Thread.currentThread().join();
        return 0;
    }
}
