package io.basalt.operator.placement;

import java.util.List;

/** Where a volume's replicas go, or why they cannot go anywhere yet. */
public sealed interface Placement {

    /** @param pools the chosen pools, kept ones first, each on a distinct node */
    record Placed(List<String> pools) implements Placement {
    }

    /** @param message which pools were considered and why each was not chosen */
    record NotEnoughPools(String message) implements Placement {
        public static final String REASON = "NotEnoughPools";
    }
}
