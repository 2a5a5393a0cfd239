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

    /**
     * {@code existing} with condition {@code type} set to the given values, in its place (a new type goes
     * last), so that the list keeps its order from one status to the next.
     */
    public List<Condition> set(List<Condition> existing, String type, boolean status, String reason, String message,
                               long generation) {
        String statusText = status ? "True" : "False";
        String since = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        List<Condition> result = new ArrayList<>(existing == null ? List.of() : existing);
        int index = -1;
        for (int i = 0; i < result.size(); i++) {
            if (type.equals(result.get(i).getType())) {
                index = i;
                if (statusText.equals(result.get(i).getStatus())) {
                    since = result.get(i).getLastTransitionTime();
                }
            }
        }
        Condition condition = new ConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(since)
                .withObservedGeneration(generation)
                .build();
        if (index < 0) {
            result.add(condition);
        } else {
            result.set(index, condition);
        }
        return result;
    }
}
