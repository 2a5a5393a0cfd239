package io.basalt.driver.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.csi.v1.GetPluginCapabilitiesRequest;
import io.basalt.csi.v1.GetPluginInfoRequest;
import io.basalt.csi.v1.GetPluginInfoResponse;
import io.basalt.csi.v1.IdentityGrpc;
import io.basalt.csi.v1.PluginCapability;
import io.basalt.csi.v1.ProbeRequest;
import io.basalt.csi.v1.ProbeResponse;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import io.basalt.driver.PluginInfo;
import io.basalt.driver.server.CsiEndpoint;
import io.basalt.driver.server.CsiServer;
import io.basalt.driver.server.Readiness;
import io.basalt.driver.server.UnixSocketClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Identity service as a CSI sidecar sees it: over a real unix domain socket. */
class IdentityServiceTest {

    @TempDir
    Path dir;

    private final Readiness readiness = new Readiness();
    private CsiServer server;
    private UnixSocketClient client;
    private IdentityGrpc.IdentityBlockingStub identity;

    @BeforeEach
    void startDriver() {
        Path socket = dir.resolve("csi.sock");
        server = CsiServer.start(new CsiEndpoint(socket), readiness,
                List.of(new IdentityService(PluginInfo.current(), readiness)));
        client = new UnixSocketClient(socket);
        identity = IdentityGrpc.newBlockingStub(client.channel());
    }

    @AfterEach
    void stopDriver() throws InterruptedException {
        client.close();
        server.shutdown(Duration.ofSeconds(1));
    }

    @Test
    void pluginInfoNamesTheDriverAndTheProjectVersion() {
        GetPluginInfoResponse info = identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());

        assertThat(info.getName()).isEqualTo("csi.basalt.io");
        assertThat(info.getVendorVersion()).isEqualTo(System.getProperty("basalt.version"));
    }

    @Test
    void capabilitiesAreControllerServiceTopologyAndOnlineExpansion() {
        List<PluginCapability> capabilities = identity
                .getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                .getCapabilitiesList();

        assertThat(capabilities).containsExactlyInAnyOrder(
                PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder()
                        .setType(PluginCapability.Service.Type.CONTROLLER_SERVICE)).build(),
                PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder()
                        .setType(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS)).build(),
                PluginCapability.newBuilder().setVolumeExpansion(PluginCapability.VolumeExpansion.newBuilder()
                        .setType(PluginCapability.VolumeExpansion.Type.ONLINE)).build());
    }

    @Test
    void probeReportsReadyWhileServing() {
        assertThat(identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
    }

    @Test
    void probeReportsNotReadyBeforeTheServerServes() {
        IdentityService starting = new IdentityService(PluginInfo.current(), new Readiness());
        List<ProbeResponse> answers = new ArrayList<>();

        starting.probe(ProbeRequest.getDefaultInstance(), new StreamObserver<>() {
            @Override
            public void onNext(ProbeResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            @Override
            public void onCompleted() {
            }
        });

        assertThat(answers).singleElement().satisfies(answer -> {
            assertThat(answer.hasReady()).isTrue();
            assertThat(answer.getReady().getValue()).isFalse();
        });
    }
}
