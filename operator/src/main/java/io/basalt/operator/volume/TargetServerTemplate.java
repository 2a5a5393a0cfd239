package io.basalt.operator.volume;

import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod that serves one volume's iSCSI target, preferably on the consumer's node so that reads and
 * writes leave the node only for the replicas, and the Service on 3260 that initiators log in to.
 */
final class TargetServerTemplate {

    static final int ISCSI_PORT = 3260;
    static final int MANAGEMENT_PORT = 9502;
    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";

    private final String engineImage;

    TargetServerTemplate(String engineImage) {
        this.engineImage = engineImage;
    }

    Service service(VolumeClaim claim) {
        return new ServiceBuilder()
                .withMetadata(VolumeObjects.ownedBy(claim, VolumeObjects.targetServerName(claim)))
                .editMetadata().addToLabels(COMPONENT_LABEL, "target").endMetadata()
                .withNewSpec()
                    .withSelector(labels(claim))
                    .addNewPort().withName("iscsi").withPort(ISCSI_PORT)
                        .withTargetPort(new IntOrString(ISCSI_PORT)).endPort()
                    .addNewPort().withName("mgmt").withPort(MANAGEMENT_PORT)
                        .withTargetPort(new IntOrString(MANAGEMENT_PORT)).endPort()
                .endSpec()
                .build();
    }

    /**
     * @param portal the address initiators are told to use (the Service's cluster IP and port), advertised
     *        by the target in SendTargets answers
     */
    Deployment deployment(VolumeClaim claim, VolumeTarget target, String portal) {
        List<String> args = new ArrayList<>(List.of("target",
                "--volume", claim.getMetadata().getName(),
                "--iqn", target.getSpec().iqn(),
                "--listen", "0.0.0.0:" + ISCSI_PORT,
                "--advertise", portal,
                "--consistency-factor", Integer.toString(target.getSpec().consistencyFactor()),
                "--mgmt", "0.0.0.0:" + MANAGEMENT_PORT));
        // The target names each replica as its pool knows it: the VolumeReplica's name.
        target.getSpec().replicas().forEach(r -> args.addAll(List.of("--replica", r.replica() + "@" + r.address())));
        return new DeploymentBuilder()
                .withMetadata(VolumeObjects.ownedBy(claim, VolumeObjects.targetServerName(claim)))
                .withNewSpec()
                    .withReplicas(1)
                    // One target per volume at any time: two would both accept writes.
                    .withNewStrategy().withType("Recreate").endStrategy()
                    .withNewSelector().withMatchLabels(labels(claim)).endSelector()
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels(claim)).endMetadata()
                        .withNewSpec()
                            .withNewAffinity().withNewNodeAffinity()
                                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                                    .withWeight(100)
                                    .withNewPreference().addNewMatchExpression()
                                        .withKey("kubernetes.io/hostname").withOperator("In")
                                        .withValues(claim.getSpec().nodeName())
                                    .endMatchExpression().endPreference()
                                .endPreferredDuringSchedulingIgnoredDuringExecution()
                            .endNodeAffinity().endAffinity()
                            .addNewContainer()
                                .withName("target")
                                .withImage(engineImage)
                                // A target needs little heap: its data buffers live off the heap.
                                .withCommand("java", "-XX:+UseSerialGC", "-Xms32m", "-Xmx128m",
                                        "-XX:MaxDirectMemorySize=512m", "-jar", "/opt/basalt/basalt-engine.jar")
                                .withArgs(args)
                                // Credentials come from the Secret through the environment, never the command line.
                                .withEnv(secretEnv("BASALT_CHAP_USER", claim, ChapSecret.USERNAME),
                                        secretEnv("BASALT_CHAP_SECRET", claim, ChapSecret.PASSWORD),
                                        secretEnv("BASALT_REPLICA_SECRET", claim, ChapSecret.REPLICA_SECRET))
                                .addNewPort().withName("iscsi").withContainerPort(ISCSI_PORT).endPort()
                                .addNewPort().withName("mgmt").withContainerPort(MANAGEMENT_PORT).endPort()
                                .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString(ISCSI_PORT))
                                    .endTcpSocket().withPeriodSeconds(5).endReadinessProbe()
                                .withNewLivenessProbe().withNewTcpSocket().withPort(new IntOrString(MANAGEMENT_PORT))
                                    .endTcpSocket().withPeriodSeconds(10).withFailureThreshold(6).endLivenessProbe()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The labels of the target's pods, which its Service selects. */
    static Map<String, String> labels(VolumeClaim claim) {
        return Map.of(VolumeObjects.VOLUME_LABEL, claim.getMetadata().getName(), COMPONENT_LABEL, "target");
    }

    private static EnvVar secretEnv(String name, VolumeClaim claim, String key) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewSecretKeyRef()
                .withName(VolumeObjects.chapSecretName(claim)).withKey(key).endSecretKeyRef().endValueFrom().build();
    }
}
