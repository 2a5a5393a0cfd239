package io.basalt.driver.controller;

import io.basalt.csi.v1.Topology;
import io.basalt.csi.v1.TopologyRequirement;
import java.util.List;
import java.util.stream.Stream;

/**
 * Basalt's topology has one key, the node. A volume is reachable over iSCSI from every node that runs
 * the Basalt node plugin, so a volume is accessible from every node the orchestrator requires.
 */
final class Topologies {

    static final String NODE_KEY = "topology.basalt.io/node";

    void validate(TopologyRequirement requirement) {
        Stream.concat(requirement.getRequisiteList().stream(), requirement.getPreferredList().stream())
                .forEach(this::validate);
    }

    void validate(Topology topology) {
        topology.getSegmentsMap().keySet().stream()
                .filter(key -> !key.equals(NODE_KEY))
                .findFirst()
                .ifPresent(key -> {
                    throw CsiErrors.invalidArgument("topology key " + key + " is not Basalt's; the only key is "
                            + NODE_KEY);
                });
    }

    /**
     * The topologies to report for a new volume: every required one. Preferred ones alone would pin
     * the volume to a few nodes it does not belong to, so without requisites the volume is reported
     * as accessible everywhere (no topology).
     */
    List<Topology> accessibleFrom(TopologyRequirement requirement) {
        return requirement.getRequisiteList();
    }
}
