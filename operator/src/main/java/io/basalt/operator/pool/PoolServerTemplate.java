package io.basalt.operator.pool;

import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.StoragePoolClusterSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The pod that serves one StoragePool: the engine's pool server pinned to the pool's node, with the
 * pool directory as a hostPath, and a Service giving targets and the operator a stable address.
 */
public final class PoolServerTemplate {

    public static final int REPLICA_PORT = 9500;
    public static final int MANAGEMENT_PORT = 9501;
    static final String POOL_LABEL = "basalt.io/pool";
    static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    private static final String DATA_DIR = "/var/lib/basalt/pool";
    private static final String TEMPLATE_DIGEST = "basalt.io/template-digest";

    private final String engineImage;

    public PoolServerTemplate(String engineImage) {
        this.engineImage = engineImage;
    }

    /** The name of the Deployment and Service of {@code pool}. */
    public static String serverName(StoragePool pool) {
        return "pool-" + pool.getMetadata().getName();
    }

    /**
     * The pool server's Deployment, annotated with a digest of its pod template so that a changed
     * template (new image, resources, tolerations) is noticed without comparing server-side defaults.
     */
    public Deployment deployment(StoragePool pool, StoragePoolClusterSpec cluster) {
        Deployment deployment = deploymentWithoutDigest(pool, cluster);
        deployment.getMetadata().getAnnotations().put(TEMPLATE_DIGEST,
                digest(Serialization.asJson(deployment.getSpec().getTemplate())));
        return deployment;
    }

    /** Whether {@code current} runs the template {@code desired} asks for. */
    public static boolean sameTemplate(Deployment current, Deployment desired) {
        return current.getMetadata().getAnnotations() != null && desired.getMetadata().getAnnotations()
                .get(TEMPLATE_DIGEST).equals(current.getMetadata().getAnnotations().get(TEMPLATE_DIGEST));
    }

    private Deployment deploymentWithoutDigest(StoragePool pool, StoragePoolClusterSpec cluster) {
        Map<String, String> labels = labels(pool);
        ObjectMeta metadata = metadata(pool);
        metadata.setAnnotations(new HashMap<>());
        return new DeploymentBuilder()
                .withMetadata(metadata)
                .withNewSpec()
                    .withReplicas(1)
                    // Never two pool servers on one directory: the old pod stops before the new starts.
                    .withNewStrategy().withType("Recreate").endStrategy()
                    .withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withNodeSelector(Map.of("kubernetes.io/hostname", pool.getSpec().nodeName()))
                            .withTolerations(cluster.tolerations())
                            .addNewContainer()
                                .withName("pool")
                                .withImage(engineImage)
                                .withCommand("java", "-jar", "/opt/basalt/basalt-engine.jar")
                                .withArgs("pool", "--dir", DATA_DIR,
                                        "--listen", "0.0.0.0:" + REPLICA_PORT,
                                        "--mgmt", "0.0.0.0:" + MANAGEMENT_PORT)
                                .addNewPort().withName("replica").withContainerPort(REPLICA_PORT).endPort()
                                .addNewPort().withName("mgmt").withContainerPort(MANAGEMENT_PORT).endPort()
                                .withResources(cluster.resources())
                                .withReadinessProbe(tcpProbe(MANAGEMENT_PORT, 5, 3))
                                .withLivenessProbe(tcpProbe(MANAGEMENT_PORT, 10, 6))
                                .addNewVolumeMount().withName("pool").withMountPath(DATA_DIR).endVolumeMount()
                            .endContainer()
                            .addNewVolume()
                                .withName("pool")
                                .withNewHostPath().withPath(pool.getSpec().hostPath())
                                    .withType("DirectoryOrCreate").endHostPath()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    public Service service(StoragePool pool) {
        return new ServiceBuilder()
                .withMetadata(metadata(pool))
                .withNewSpec()
                    .withSelector(labels(pool))
                    .addNewPort().withName("replica").withPort(REPLICA_PORT)
                        .withTargetPort(new IntOrString(REPLICA_PORT)).endPort()
                    .addNewPort().withName("mgmt").withPort(MANAGEMENT_PORT)
                        .withTargetPort(new IntOrString(MANAGEMENT_PORT)).endPort()
                .endSpec()
                .build();
    }

    private static ObjectMeta metadata(StoragePool pool) {
        return new ObjectMetaBuilder()
                .withName(serverName(pool))
                .withNamespace(pool.getMetadata().getNamespace())
                .withLabels(labels(pool))
                .withOwnerReferences(List.of(ownedBy(pool)))
                .build();
    }

    private static Map<String, String> labels(StoragePool pool) {
        return Map.of(POOL_LABEL, pool.getMetadata().getName(), COMPONENT_LABEL, "pool-server");
    }

    private static io.fabric8.kubernetes.api.model.OwnerReference ownedBy(StoragePool pool) {
        return new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                .withApiVersion(pool.getApiVersion())
                .withKind(pool.getKind())
                .withName(pool.getMetadata().getName())
                .withUid(pool.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Probe tcpProbe(int port, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewTcpSocket().withPort(new IntOrString(port)).endTcpSocket()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .build();
    }
}
