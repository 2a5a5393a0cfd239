package io.basalt.driver.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A CSI endpoint: the unix domain socket the orchestrator's sidecars dial.
 *
 * @param socketPath the absolute path of the socket file
 */
public record CsiEndpoint(Path socketPath) {

    private static final String SCHEME = "unix://";
    /** sun_path holds 108 bytes on Linux, including the terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;

    /**
     * Parses {@code unix:///absolute/path}.
     *
     * @throws EndpointException when the endpoint is not a unix socket path the kernel can bind
     */
    public static CsiEndpoint parse(String endpoint) {
        if (endpoint == null || !endpoint.startsWith(SCHEME)) {
            throw new EndpointException("endpoint '" + endpoint
                    + "' is not supported: CSI endpoints here are unix domain sockets, written unix:///absolute/path");
        }
        String path = endpoint.substring(SCHEME.length());
        if (!path.startsWith("/")) {
            throw new EndpointException("endpoint '" + endpoint + "' must name an absolute path, as in unix:///csi/csi.sock");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new EndpointException("endpoint '" + endpoint + "' is too long: a unix socket path holds at most "
                    + MAX_SOCKET_PATH_BYTES + " bytes");
        }
        return new CsiEndpoint(Path.of(path).normalize());
    }

    @Override
    public String toString() {
        return SCHEME + socketPath;
    }
}
