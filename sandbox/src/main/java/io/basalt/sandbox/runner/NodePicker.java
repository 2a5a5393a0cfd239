package io.basalt.sandbox.runner;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The scheduler of the sandbox, for the one topology key Basalt uses: a pod pinned to a node (by
 * nodeName, a hostname nodeSelector or required node affinity) goes there, a pod that prefers nodes
 * goes to the heaviest preferred node that is up, any other to the first node that is up.
 */
final class NodePicker {

    static final String HOSTNAME = "kubernetes.io/hostname";

    private final List<String> nodes;

    NodePicker(List<String> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** The chosen node, or why there is none. */
    sealed interface Choice permits Choice.Node, Choice.Unschedulable {
        record Node(String name) implements Choice {
        }

        record Unschedulable(String message) implements Choice {
        }
    }

    Choice pick(PodSpec pod, Predicate<String> up) {
        List<String> required = required(pod);
        if (!required.isEmpty()) {
            Optional<String> node = required.stream().filter(nodes::contains).filter(up).findFirst();
            return node.<Choice>map(Choice.Node::new).orElseGet(() -> new Choice.Unschedulable(
                    "0/" + nodes.size() + " nodes are available: the pod needs node " + String.join(" or ", required)
                            + (required.stream().anyMatch(nodes::contains) ? ", which is down" : ", which does not exist")));
        }
        Optional<String> preferred = preferred(pod).stream().filter(nodes::contains).filter(up).findFirst();
        if (preferred.isPresent()) {
            return new Choice.Node(preferred.get());
        }
        return nodes.stream().filter(up).findFirst().<Choice>map(Choice.Node::new)
                .orElseGet(() -> new Choice.Unschedulable("0/" + nodes.size() + " nodes are available: all are down"));
    }

    private static List<String> required(PodSpec pod) {
        List<String> names = new ArrayList<>();
        if (pod.getNodeName() != null && !pod.getNodeName().isEmpty()) {
            names.add(pod.getNodeName());
        }
        if (pod.getNodeSelector() != null && pod.getNodeSelector().containsKey(HOSTNAME)) {
            names.add(pod.getNodeSelector().get(HOSTNAME));
        }
        var affinity = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
        if (affinity != null && affinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
            for (NodeSelectorTerm term : affinity.getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms()) {
                names.addAll(hostnames(term));
            }
        }
        return names;
    }

    private static List<String> preferred(PodSpec pod) {
        var affinity = pod.getAffinity() == null ? null : pod.getAffinity().getNodeAffinity();
        if (affinity == null || affinity.getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return List.of();
        }
        return affinity.getPreferredDuringSchedulingIgnoredDuringExecution().stream()
                .sorted(Comparator.comparing(PreferredSchedulingTerm::getWeight).reversed())
                .flatMap(term -> hostnames(term.getPreference()).stream())
                .toList();
    }

    private static List<String> hostnames(NodeSelectorTerm term) {
        if (term == null || term.getMatchExpressions() == null) {
            return List.of();
        }
        return term.getMatchExpressions().stream()
                .filter(e -> HOSTNAME.equals(e.getKey()) && "In".equals(e.getOperator()))
                .map(NodeSelectorRequirement::getValues)
                .flatMap(List::stream)
                .toList();
    }
}
