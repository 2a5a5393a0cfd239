package io.basalt.sandbox.print;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void columnsAreAlignedThreeSpacesApartUnderUpperCaseHeaders() {
        Table table = new Table(List.of("Name", "Phase", "Age"));
        table.add(List.of("sandbox-vol", "Bound", "12s"));
        table.add(List.of("c", "", "3m"));

        assertThat(table.render()).isEqualTo("""
                NAME          PHASE   AGE
                sandbox-vol   Bound   12s
                c                     3m
                """);
    }
}
