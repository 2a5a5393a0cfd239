package io.basalt.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.csi.v1.GetPluginInfoRequest;
import io.basalt.csi.v1.IdentityGrpc;
import io.basalt.csi.v1.NodeGetInfoRequest;
import io.basalt.csi.v1.NodeGetInfoResponse;
import io.basalt.csi.v1.NodeGrpc;
import io.basalt.driver.server.UnixSocketClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged driver started, stopped and killed as a real process on a real socket. */
class DriverProcessIT {

    @TempDir
    Path dir;

    @Test
    void secondStartOnTheSamePathServesAfterTheFirstWasKilled() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (DriverProcess first = DriverProcess.startReady(dir, args(socket))) {
            first.kill();
        }
        assertThat(socket).as("a killed driver leaves its socket file behind").exists();

        try (DriverProcess second = DriverProcess.startReady(dir, args(socket))) {
            assertThat(pluginName(socket)).isEqualTo("csi.basalt.io");
            assertThat(second.output()).contains("removed stale socket");
        }
    }

    @Test
    void sigtermStopsWithExitZeroAndRemovesTheSocket() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (DriverProcess driver = DriverProcess.startReady(dir, args(socket))) {
            assertThat(pluginName(socket)).isEqualTo("csi.basalt.io");

            driver.terminate();

            assertThat(driver.awaitExit()).isZero();
            assertThat(socket).doesNotExist();
            assertThat(driver.output()).contains("stopped serving on unix://" + socket);
        }
    }

    @Test
    void endpointAnotherDriverServesIsRefusedWithExitThree() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (DriverProcess first = DriverProcess.startReady(dir, args(socket));
             DriverProcess second = DriverProcess.start(dir, args(socket))) {

            assertThat(second.awaitExit()).isEqualTo(3);
            assertThat(second.output()).contains("another process is already serving on " + socket);
            assertThat(pluginName(socket)).as("the first driver keeps serving").isEqualTo("csi.basalt.io");
        }
    }

    @Test
    void tcpEndpointIsRefusedWithExitTwoAndAClearMessage() throws Exception {
        try (DriverProcess driver = DriverProcess.start(dir, "--endpoint", "tcp://127.0.0.1:9000",
                "--mode", "controller")) {

            assertThat(driver.awaitExit()).isEqualTo(2);
            assertThat(driver.output()).contains("unix domain sockets, written unix:///absolute/path");
        }
    }

    @Test
    void nodeModeWithoutANodeIdIsRefusedWithExitTwo() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (DriverProcess driver = DriverProcess.start(dir, "--endpoint", "unix://" + socket, "--mode", "node")) {

            assertThat(driver.awaitExit()).isEqualTo(2);
            assertThat(driver.output()).contains("--node-id (or $NODE_NAME) is required in mode node");
            assertThat(Files.exists(socket)).isFalse();
        }
    }

    @Test
    void nodeModeServesTheNodeServiceForTheGivenNode() throws Exception {
        Path socket = dir.resolve("csi.sock");
        try (DriverProcess driver = DriverProcess.startReady(dir, "--endpoint", "unix://" + socket,
                "--mode", "node", "--node-id", "node-9", "--max-volumes-per-node", "17");
             UnixSocketClient client = new UnixSocketClient(socket)) {

            NodeGetInfoResponse info = NodeGrpc.newBlockingStub(client.channel())
                    .nodeGetInfo(NodeGetInfoRequest.getDefaultInstance());

            assertThat(info.getNodeId()).isEqualTo("node-9");
            assertThat(info.getMaxVolumesPerNode()).isEqualTo(17);
            assertThat(info.getAccessibleTopology().getSegmentsMap()).containsEntry("topology.basalt.io/node", "node-9");
        }
    }

    private static String[] args(Path socket) {
        return new String[] {"--endpoint", "unix://" + socket, "--mode", "all", "--node-id", "node-1"};
    }

    private static String pluginName(Path socket) throws InterruptedException {
        try (UnixSocketClient client = new UnixSocketClient(socket)) {
            return IdentityGrpc.newBlockingStub(client.channel())
                    .getPluginInfo(GetPluginInfoRequest.getDefaultInstance())
                    .getName();
        }
    }
}
