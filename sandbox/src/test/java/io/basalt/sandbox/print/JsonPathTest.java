package io.basalt.sandbox.print;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonPathTest {

    private static final JsonNode CLAIM = parse("""
            {"spec": {"capacityBytes": 268435456, "nodeName": "node-a"},
             "status": {"phase": "Bound", "conditions": [
                 {"type": "Scheduled", "status": "True", "reason": "Placed"},
                 {"type": "Ready", "status": "True", "reason": "Bound"}],
              "replicas": [{"name": "r0"}, {"name": "r1"}]}}
            """);

    @Test
    void fieldStepsSelectTheNestedValue() {
        assertThat(texts(JsonPath.parse(".spec.nodeName").select(CLAIM))).containsExactly("node-a");
    }

    @Test
    void aFilterSelectsTheElementsWhoseFieldEqualsTheValue() {
        assertThat(texts(JsonPath.parse(".status.conditions[?(@.type==\"Ready\")].reason").select(CLAIM)))
                .containsExactly("Bound");
    }

    @Test
    void indexesAndWildcardsSelectElements() {
        assertThat(texts(JsonPath.parse(".status.replicas[1].name").select(CLAIM))).containsExactly("r1");
        assertThat(texts(JsonPath.parse(".status.replicas[*].name").select(CLAIM))).containsExactly("r0", "r1");
    }

    @Test
    void aMissingFieldSelectsNothing() {
        assertThat(JsonPath.parse(".status.targetPortal").select(CLAIM)).isEmpty();
        assertThat(JsonPath.parse(".status.conditions[?(@.type==\"Degraded\")].reason").select(CLAIM)).isEmpty();
    }

    @Test
    void anExpressionOutsideTheSupportedPartIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> JsonPath.parse(".spec..nodeName"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".spec..nodeName at position 5");
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
