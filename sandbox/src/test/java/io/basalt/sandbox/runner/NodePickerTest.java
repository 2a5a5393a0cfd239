package io.basalt.sandbox.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodePickerTest {

    private final NodePicker picker = new NodePicker(List.of("node-a", "node-b", "node-c"));

    @Test
    void aHostnameNodeSelectorPinsThePod() {
        PodSpec pod = new PodSpecBuilder().withNodeSelector(Map.of(NodePicker.HOSTNAME, "node-b")).build();

        assertThat(picker.pick(pod, node -> true)).isEqualTo(new NodePicker.Choice.Node("node-b"));
    }

    @Test
    void aPodPinnedToADownNodeIsUnschedulableAndSaysWhy() {
        PodSpec pod = new PodSpecBuilder().withNodeSelector(Map.of(NodePicker.HOSTNAME, "node-b")).build();

        assertThat(picker.pick(pod, node -> !node.equals("node-b")))
                .isEqualTo(new NodePicker.Choice.Unschedulable("0/3 nodes are available: the pod needs node node-b, which is down"));
    }

    @Test
    void aPodPinnedToAnUnknownNodeIsUnschedulable() {
        PodSpec pod = new PodSpecBuilder().withNodeName("node-x").build();

        assertThat(picker.pick(pod, node -> true)).isInstanceOf(NodePicker.Choice.Unschedulable.class)
                .asString().contains("does not exist");
    }

    @Test
    void aPreferredNodeIsChosenWhileUpAndAnotherWhenItIsDown() {
        PodSpec pod = new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution().withWeight(100)
                    .withNewPreference().addNewMatchExpression().withKey(NodePicker.HOSTNAME).withOperator("In")
                    .withValues("node-c").endMatchExpression().endPreference()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().build();

        assertThat(picker.pick(pod, node -> true)).isEqualTo(new NodePicker.Choice.Node("node-c"));
        assertThat(picker.pick(pod, node -> !Set.of("node-a", "node-c").contains(node)))
                .isEqualTo(new NodePicker.Choice.Node("node-b"));
    }

    @Test
    void requiredNodeAffinityPinsThePod() {
        PodSpec pod = new PodSpecBuilder().withNewAffinity().withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution().addNewNodeSelectorTerm()
                    .addNewMatchExpression().withKey(NodePicker.HOSTNAME).withOperator("In").withValues("node-c")
                    .endMatchExpression()
                .endNodeSelectorTerm().endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity().endAffinity().build();

        assertThat(picker.pick(pod, node -> true)).isEqualTo(new NodePicker.Choice.Node("node-c"));
    }
}
