package io.basalt.driver.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CsiEndpointTest {

    @Test
    void unixUrlWithAbsolutePathNamesThatSocket() {
        assertThat(CsiEndpoint.parse("unix:///csi/csi.sock").socketPath()).isEqualTo(Path.of("/csi/csi.sock"));
    }

    @Test
    void tcpEndpointIsRefusedNamingTheExpectedForm() {
        assertThatThrownBy(() -> CsiEndpoint.parse("tcp://127.0.0.1:10000"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("unix:///absolute/path");
    }

    @Test
    void relativePathIsRefused() {
        assertThatThrownBy(() -> CsiEndpoint.parse("unix://csi.sock"))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("absolute path");
    }

    @Test
    void pathLongerThanTheKernelAllowsIsRefused() {
        String longPath = "unix:///" + "d".repeat(120) + "/csi.sock";

        assertThatThrownBy(() -> CsiEndpoint.parse(longPath))
                .isInstanceOf(EndpointException.class)
                .hasMessageContaining("at most 107 bytes");
    }

    @Test
    void missingEndpointIsRefused() {
        assertThatThrownBy(() -> CsiEndpoint.parse(null)).isInstanceOf(EndpointException.class);
    }
}
