package io.basalt.driver.identity;

import com.google.protobuf.BoolValue;
import io.basalt.csi.v1.GetPluginCapabilitiesRequest;
import io.basalt.csi.v1.GetPluginCapabilitiesResponse;
import io.basalt.csi.v1.GetPluginInfoRequest;
import io.basalt.csi.v1.GetPluginInfoResponse;
import io.basalt.csi.v1.IdentityGrpc;
import io.basalt.csi.v1.PluginCapability;
import io.basalt.csi.v1.ProbeRequest;
import io.basalt.csi.v1.ProbeResponse;
import io.basalt.driver.PluginInfo;
import io.basalt.driver.server.Readiness;
import io.grpc.stub.StreamObserver;

/** CSI Identity: who the plugin is, what it can do, and whether it takes work now. */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {

    private final PluginInfo info;
    private final Readiness readiness;
    private final GetPluginCapabilitiesResponse capabilities;

    public IdentityService(PluginInfo info, Readiness readiness) {
        this.info = info;
        this.readiness = readiness;
        this.capabilities = GetPluginCapabilitiesResponse.newBuilder()
                .addCapabilities(service(PluginCapability.Service.Type.CONTROLLER_SERVICE))
                // Replicas live on particular pools; the topology says where a volume's consumer is.
                .addCapabilities(service(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS))
                // The target grows the LUN while initiators stay logged in.
                .addCapabilities(PluginCapability.newBuilder().setVolumeExpansion(
                        PluginCapability.VolumeExpansion.newBuilder()
                                .setType(PluginCapability.VolumeExpansion.Type.ONLINE)))
                .build();
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest request, StreamObserver<GetPluginInfoResponse> response) {
        response.onNext(GetPluginInfoResponse.newBuilder()
                .setName(info.name())
                .setVendorVersion(info.version())
                .build());
        response.onCompleted();
    }

    @Override
    public void getPluginCapabilities(GetPluginCapabilitiesRequest request,
                                      StreamObserver<GetPluginCapabilitiesResponse> response) {
        response.onNext(capabilities);
        response.onCompleted();
    }

    @Override
    public void probe(ProbeRequest request, StreamObserver<ProbeResponse> response) {
        response.onNext(ProbeResponse.newBuilder()
                .setReady(BoolValue.of(readiness.isReady()))
                .build());
        response.onCompleted();
    }

    private static PluginCapability service(PluginCapability.Service.Type type) {
        return PluginCapability.newBuilder()
                .setService(PluginCapability.Service.newBuilder().setType(type))
                .build();
    }
}
