package io.basalt.sandbox.print;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of kubectl's JSONPath that printer columns use: {@code .field} steps, {@code [n]} and
 * {@code [*]} indexes, and {@code [?(@.path=="value")]} filters.
 */
final class JsonPath {

    private static final Pattern STEP = Pattern.compile(
            "\\.([A-Za-z0-9_-]+)|\\[(\\d+|\\*)]|\\[\\?\\(@\\.([A-Za-z0-9_.-]+)\\s*==\\s*[\"']([^\"']*)[\"']\\)]");

    /** One step: a field, an index, every element, or the elements whose {@code field} equals {@code value}. */
    private record Step(String field, Integer index, boolean all, String filterPath, String filterValue) {
    }

    private final String expression;
    private final List<Step> steps = new ArrayList<>();

    private JsonPath(String expression) {
        this.expression = expression;
    }

    static JsonPath parse(String expression) {
        JsonPath path = new JsonPath(expression);
        Matcher matcher = STEP.matcher(expression);
        int at = 0;
        while (at < expression.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw new IllegalArgumentException("unsupported JSONPath " + expression + " at position " + at);
            }
            String index = matcher.group(2);
            path.steps.add(new Step(matcher.group(1),
                    index == null || index.equals("*") ? null : Integer.valueOf(index), "*".equals(index),
                    matcher.group(3), matcher.group(4)));
            at = matcher.end();
        }
        return path;
    }

    /** Every node the path selects in {@code root}. */
    List<JsonNode> select(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (step.field() != null) {
                    add(next, node.get(step.field()));
                } else if (step.all()) {
                    node.forEach(next::add);
                } else if (step.index() != null) {
                    add(next, node.get(step.index()));
                } else {
                    for (JsonNode element : node) {
                        JsonNode value = element.at("/" + step.filterPath().replace('.', '/'));
                        if (value.isValueNode() && value.asText().equals(step.filterValue())) {
                            next.add(element);
                        }
                    }
                }
            }
            current = next;
        }
        return current;
    }

    @Override
    public String toString() {
        return expression;
    }

    private static void add(List<JsonNode> nodes, JsonNode node) {
        if (node != null && !node.isNull()) {
            nodes.add(node);
        }
    }
}
