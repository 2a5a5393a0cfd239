package io.basalt.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Standard conditions: setting one keeps its lastTransitionTime unless its status flips, so that
 * "since when" stays true across reconciles.
 */
public final class Conditions {

    public static final String READY = "Ready";

    private final Clock clock;

    public Conditions(Clock clock) {
        this.clock = clock;
    }

    /** {@code existing} with condition {@code type} set to the given values. */
    public List<Condition> set(List<Condition> existing, String type, boolean status, String reason, String message,
                               long generation) {
        List<Condition> result = new ArrayList<>();
        String statusText = status ? "True" : "False";
        String since = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        if (existing != null) {
            for (Condition condition : existing) {
                if (type.equals(condition.getType())) {
                    if (statusText.equals(condition.getStatus())) {
                        since = condition.getLastTransitionTime();
                    }
                } else {
                    result.add(condition);
                }
            }
        }
        result.add(new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(since)
                .withObservedGeneration(generation)
                .build());
        return result;
    }
}
