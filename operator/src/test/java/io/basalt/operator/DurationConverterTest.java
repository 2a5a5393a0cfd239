package io.basalt.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest(name = "{0} is {1} ms")
    @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "PT2M, 120000", "1m30s, 90000"})
    void readsDurationsAsPeopleWriteThem(String text, long millis) {
        assertThat(converter.convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void rejectsWhatIsNotADurationSayingHowToWriteOne() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'soon'").hasMessageContaining("5m");
    }
}
