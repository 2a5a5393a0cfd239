package io.basalt.operator.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses pools for a volume's replicas: online pools with room, one replica per node, the least used
 * pools first so that load spreads. When there are not enough, it says, pool by pool, why each one was
 * passed over, so the user knows whether to add a pool, free space, or bring a node back.
 */
public final class ReplicaPlacer {

    private static final Comparator<PoolCandidate> LEAST_USED_FIRST = Comparator
            .comparingLong(PoolCandidate::usedBytes)
            .thenComparing(Comparator.comparingLong(PoolCandidate::freeBytes).reversed())
            .thenComparing(PoolCandidate::name);

    public Placement place(PlacementRequest request, List<PoolCandidate> pools) {
        List<String> chosen = new ArrayList<>();
        Set<String> usedNodes = new HashSet<>();
        Map<String, String> passedOver = new LinkedHashMap<>();
        for (PoolCandidate pool : pools.stream().sorted(Comparator.comparing(PoolCandidate::name)).toList()) {
            if (request.keptPools().contains(pool.name())) {
                chosen.add(pool.name());
                usedNodes.add(pool.nodeName());
            }
        }
        for (PoolCandidate pool : pools.stream().sorted(LEAST_USED_FIRST).toList()) {
            if (chosen.contains(pool.name())) {
                continue;
            }
            String problem = problemWith(pool, request, usedNodes);
            if (problem != null) {
                passedOver.put(pool.name(), pool.name() + " on " + pool.nodeName() + ": " + problem);
            } else if (chosen.size() < request.replicaCount()) {
                chosen.add(pool.name());
                usedNodes.add(pool.nodeName());
            }
        }
        if (chosen.size() >= request.replicaCount()) {
            return new Placement.Placed(List.copyOf(chosen.subList(0, request.replicaCount())));
        }
        return new Placement.NotEnoughPools(explain(request, pools, chosen, passedOver));
    }

    private static String problemWith(PoolCandidate pool, PlacementRequest request, Set<String> usedNodes) {
        if (!request.allowedPools().isEmpty() && !request.allowedPools().contains(pool.name())) {
            return "not a pool of the clone's source";
        }
        if (!pool.online()) {
            return "offline";
        }
        if (pool.freeBytes() < request.capacityBytes()) {
            return Sizes.human(pool.freeBytes()) + " free, too little";
        }
        if (usedNodes.contains(pool.nodeName())) {
            return Sizes.human(pool.freeBytes()) + " free, but its node already holds a replica";
        }
        return null;
    }

    private static String explain(PlacementRequest request, List<PoolCandidate> pools, List<String> chosen,
                                  Map<String, String> passedOver) {
        StringBuilder message = new StringBuilder()
                .append("needs ").append(request.replicaCount()).append(" pools on distinct nodes with ")
                .append(Sizes.human(request.capacityBytes())).append(" free; found ").append(chosen.size());
        List<String> details = new ArrayList<>();
        for (PoolCandidate pool : pools) {
            if (chosen.contains(pool.name())) {
                details.add(describe(pool));
            }
        }
        details.addAll(passedOver.values());
        if (pools.isEmpty()) {
            details.add("the pool cluster has no pools");
        }
        return message.append(" (").append(String.join(", ", details)).append(")").toString();
    }

    private static String describe(PoolCandidate pool) {
        return pool.name() + " on " + pool.nodeName() + ": " + Sizes.human(pool.freeBytes()) + " free";
    }
}
