package io.basalt.sandbox.print;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code kubectl get KIND -n NAMESPACE} without kubectl: Basalt's kinds with the columns their CRDs
 * declare (AGE last), Deployments, Pods and Services with kubectl's usual columns.
 */
public final class ResourcePrinter {

    private static final String CREATION_TIMESTAMP = ".metadata.creationTimestamp";

    private final KubernetesClient client;
    private final String namespace;
    private final List<CustomResourceDefinition> crds;
    private final Clock clock;

    public ResourcePrinter(KubernetesClient client, String namespace, List<CustomResourceDefinition> crds,
                           Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.crds = crds;
        this.clock = clock;
    }

    /**
     * What {@code kubectl get KIND} prints, preceded by that command line.
     *
     * @param kind a short name, plural or singular: vc, vt, vr, sp, spc, bsnap, deploy, pods, svc
     */
    public String get(String kind) {
        String command = "$ kubectl get " + kind + " -n " + namespace + "\n";
        Table table = switch (kind) {
            case "deploy", "deployments", "deployment" -> deployments();
            case "po", "pods", "pod" -> pods();
            case "svc", "services", "service" -> services();
            default -> custom(crd(kind));
        };
        return command + (table.isEmpty() ? "No resources found in " + namespace + " namespace.\n" : table.render());
    }

    private Table custom(CustomResourceDefinition crd) {
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().stream()
                .filter(CustomResourceDefinitionVersion::getStorage).findFirst()
                .orElse(crd.getSpec().getVersions().getFirst());
        List<CustomResourceColumnDefinition> columns = Optional.ofNullable(version.getAdditionalPrinterColumns())
                .orElse(List.of()).stream()
                .filter(c -> c.getPriority() == null || c.getPriority() == 0)
                .filter(c -> !CREATION_TIMESTAMP.equals(c.getJsonPath()))
                .toList();
        List<JsonPath> paths = columns.stream().map(c -> JsonPath.parse(c.getJsonPath())).toList();
        List<String> headers = new ArrayList<>(List.of("NAME"));
        columns.forEach(c -> headers.add(c.getName()));
        headers.add("AGE");
        Table table = new Table(headers);
        Instant now = clock.instant();
        List<GenericKubernetesResource> items = client.genericKubernetesResources(
                        crd.getSpec().getGroup() + "/" + version.getName(), crd.getSpec().getNames().getKind())
                .inNamespace(namespace).list().getItems();
        for (GenericKubernetesResource item : sorted(items)) {
            JsonNode json = Serialization.jsonMapper().valueToTree(item);
            List<String> row = new ArrayList<>(List.of(item.getMetadata().getName()));
            for (int i = 0; i < columns.size(); i++) {
                row.add(cell(paths.get(i).select(json), columns.get(i).getType(), now));
            }
            row.add(Ages.since(item.getMetadata().getCreationTimestamp(), now));
            table.add(row);
        }
        return table;
    }

    private static String cell(List<JsonNode> values, String type, Instant now) {
        if (values.isEmpty()) {
            return "";
        }
        return values.stream()
                .map(v -> "date".equals(type) ? Ages.since(v.asText(), now) : v.isValueNode() ? v.asText() : v.toString())
                .collect(Collectors.joining(","));
    }

    private Table deployments() {
        Table table = new Table(List.of("NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"));
        Instant now = clock.instant();
        for (Deployment deployment : sorted(client.apps().deployments().inNamespace(namespace).list().getItems())) {
            var status = deployment.getStatus();
            int desired = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
            table.add(List.of(deployment.getMetadata().getName(),
                    count(status == null ? null : status.getReadyReplicas()) + "/" + desired,
                    Integer.toString(count(status == null ? null : status.getUpdatedReplicas())),
                    Integer.toString(count(status == null ? null : status.getAvailableReplicas())),
                    Ages.since(deployment.getMetadata().getCreationTimestamp(), now)));
        }
        return table;
    }

    private Table pods() {
        Table table = new Table(List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"));
        Instant now = clock.instant();
        for (Pod pod : sorted(client.pods().inNamespace(namespace).list().getItems())) {
            List<ContainerStatus> containers = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
                    ? List.of() : pod.getStatus().getContainerStatuses();
            long ready = containers.stream().filter(c -> Boolean.TRUE.equals(c.getReady())).count();
            int restarts = containers.stream().mapToInt(c -> count(c.getRestartCount())).sum();
            table.add(List.of(pod.getMetadata().getName(),
                    ready + "/" + pod.getSpec().getContainers().size(),
                    podStatus(pod, containers),
                    Integer.toString(restarts),
                    Ages.since(pod.getMetadata().getCreationTimestamp(), now),
                    Objects.requireNonNullElse(pod.getStatus() == null ? null : pod.getStatus().getPodIP(), "<none>"),
                    Objects.requireNonNullElse(pod.getSpec().getNodeName(), "<none>")));
        }
        return table;
    }

    private static String podStatus(Pod pod, List<ContainerStatus> containers) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return "Terminating";
        }
        return containers.stream()
                .map(c -> c.getState() == null || c.getState().getWaiting() == null ? null
                        : c.getState().getWaiting().getReason())
                .filter(Objects::nonNull).findFirst()
                .orElse(pod.getStatus() == null ? "Unknown" : pod.getStatus().getPhase());
    }

    private Table services() {
        Table table = new Table(List.of("NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"));
        Instant now = clock.instant();
        for (Service service : sorted(client.services().inNamespace(namespace).list().getItems())) {
            var spec = service.getSpec();
            String ports = Optional.ofNullable(spec.getPorts()).orElse(List.of()).stream()
                    .map(p -> p.getPort() + "/" + Objects.requireNonNullElse(p.getProtocol(), "TCP"))
                    .collect(Collectors.joining(","));
            table.add(List.of(service.getMetadata().getName(),
                    Objects.requireNonNullElse(spec.getType(), "ClusterIP"),
                    spec.getClusterIP() == null || spec.getClusterIP().isEmpty() ? "<pending>" : spec.getClusterIP(),
                    "<none>", ports, Ages.since(service.getMetadata().getCreationTimestamp(), now)));
        }
        return table;
    }

    private CustomResourceDefinition crd(String kind) {
        return crds.stream()
                .filter(crd -> {
                    var names = crd.getSpec().getNames();
                    return Stream.concat(Stream.of(names.getPlural(), names.getSingular(), names.getKind().toLowerCase()),
                            Optional.ofNullable(names.getShortNames()).orElse(List.of()).stream())
                            .anyMatch(kind::equals);
                })
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the server doesn't have a resource type \"" + kind + "\""));
    }

    private static <T extends HasMetadata> List<T> sorted(List<T> items) {
        return items.stream().sorted(Comparator.comparing(i -> i.getMetadata().getName())).toList();
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
