package io.basalt.operator.placement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SizesTest {

    @ParameterizedTest(name = "{0} bytes read as {1}")
    @CsvSource({"0, 0", "512, 512", "1536, 1.5Ki", "10737418240, 10Gi", "1099511627776, 1Ti", "4294967295, 4.0Gi"})
    void bytesReadInBinaryUnits(long bytes, String human) {
        assertThat(Sizes.human(bytes)).isEqualTo(human);
    }
}
