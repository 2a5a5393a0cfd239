package io.basalt.sandbox.runner;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Instant;
import java.util.List;

/** The Pod object and the Deployment status that show what the runner does, as kubectl expects them. */
final class PodViews {

    private PodViews() {
    }

    static Pod pod(Deployment deployment, PodState state) {
        var template = deployment.getSpec().getTemplate();
        return new PodBuilder()
                .withNewMetadata()
                    .withName(state.podName)
                    .withNamespace(deployment.getMetadata().getNamespace())
                    .withLabels(template.getMetadata() == null ? null : template.getMetadata().getLabels())
                    .addToLabels("pod-template-hash", state.templateHash)
                    .withCreationTimestamp(state.created.toString())
                    .addNewOwnerReference()
                        .withApiVersion("apps/v1").withKind("Deployment")
                        .withName(deployment.getMetadata().getName()).withUid(deployment.getMetadata().getUid())
                        .withController(true)
                    .endOwnerReference()
                .endMetadata()
                .withSpec(template.getSpec())
                .editSpec().withNodeName(state.node).endSpec()
                .withStatus(status(deployment, state))
                .build();
    }

    static PodStatus status(Deployment deployment, PodState state) {
        boolean everStarted = state.startedAt != null;
        String phase = everStarted ? "Running" : "Pending";
        String containerName = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getName();
        List<PodCondition> conditions = List.of(
                condition("PodScheduled", state.node != null, state.node == null ? "Unschedulable" : null,
                        state.node == null ? state.waitingMessage : null, state.created),
                condition("ContainersReady", state.ready, null, null, state.created),
                condition("Ready", state.ready, null, null, state.created));
        return new PodStatusBuilder()
                .withPhase(phase)
                .withPodIP(state.running() ? state.ip : null)
                .withStartTime(state.created.toString())
                .withConditions(conditions)
                .withContainerStatuses(containerStatus(containerName, deployment, state))
                .build();
    }

    private static ContainerStatus containerStatus(String name, Deployment deployment, PodState state) {
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        ContainerStatusBuilder status = new ContainerStatusBuilder()
                .withName(name)
                .withImage(container.getImage())
                .withReady(state.ready)
                .withStarted(state.running())
                .withRestartCount(state.restarts);
        if (state.running()) {
            status.withState(new ContainerStateBuilder().withNewRunning()
                    .withStartedAt(state.startedAt.toString()).endRunning().build());
        } else {
            status.withState(new ContainerStateBuilder().withNewWaiting()
                    .withReason(state.waitingReason).withMessage(state.waitingMessage).endWaiting().build());
        }
        if (state.lastExitCode != null) {
            status.withLastState(new ContainerStateBuilder().withNewTerminated()
                    .withExitCode(state.lastExitCode).withReason(state.lastExitCode == 0 ? "Completed" : "Error")
                    .withFinishedAt(state.lastExitAt.toString()).endTerminated().build());
        }
        return status.build();
    }

    static DeploymentStatus deploymentStatus(Deployment deployment, PodState state) {
        int replicas = state == null ? 0 : 1;
        int ready = state != null && state.ready ? 1 : 0;
        boolean available = ready >= desiredReplicas(deployment);
        DeploymentCondition availability = new DeploymentConditionBuilder()
                .withType("Available")
                .withStatus(available ? "True" : "False")
                .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .withMessage(available ? "Deployment has minimum availability."
                        : "Deployment does not have minimum availability.")
                .build();
        return new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas(replicas - ready)
                .withConditions(availability)
                .build();
    }

    /** Whether {@code current} already says what {@code desired} says, conditions' times aside. */
    static boolean sameCounts(DeploymentStatus current, DeploymentStatus desired) {
        return current != null
                && java.util.Objects.equals(current.getReplicas(), desired.getReplicas())
                && java.util.Objects.equals(current.getReadyReplicas(), desired.getReadyReplicas())
                && java.util.Objects.equals(current.getAvailableReplicas(), desired.getAvailableReplicas())
                && java.util.Objects.equals(current.getUpdatedReplicas(), desired.getUpdatedReplicas())
                && java.util.Objects.equals(current.getObservedGeneration(), desired.getObservedGeneration());
    }

    static int desiredReplicas(Deployment deployment) {
        Integer replicas = deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }

    private static PodCondition condition(String type, boolean status, String reason, String message, Instant since) {
        return new PodConditionBuilder().withType(type).withStatus(status ? "True" : "False")
                .withReason(reason).withMessage(message).withLastTransitionTime(since.toString()).build();
    }
}
