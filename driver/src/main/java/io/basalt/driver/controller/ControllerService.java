package io.basalt.driver.controller;

import io.basalt.csi.v1.ControllerExpandVolumeRequest;
import io.basalt.csi.v1.ControllerExpandVolumeResponse;
import io.basalt.csi.v1.ControllerGetCapabilitiesRequest;
import io.basalt.csi.v1.ControllerGetCapabilitiesResponse;
import io.basalt.csi.v1.ControllerGetVolumeRequest;
import io.basalt.csi.v1.ControllerGetVolumeResponse;
import io.basalt.csi.v1.ControllerGrpc;
import io.basalt.csi.v1.ControllerServiceCapability;
import io.basalt.csi.v1.ControllerServiceCapability.RPC.Type;
import io.basalt.csi.v1.CreateSnapshotRequest;
import io.basalt.csi.v1.CreateSnapshotResponse;
import io.basalt.csi.v1.CreateVolumeRequest;
import io.basalt.csi.v1.CreateVolumeResponse;
import io.basalt.csi.v1.DeleteSnapshotRequest;
import io.basalt.csi.v1.DeleteSnapshotResponse;
import io.basalt.csi.v1.DeleteVolumeRequest;
import io.basalt.csi.v1.DeleteVolumeResponse;
import io.basalt.csi.v1.GetCapacityRequest;
import io.basalt.csi.v1.GetCapacityResponse;
import io.basalt.csi.v1.ListSnapshotsRequest;
import io.basalt.csi.v1.ListSnapshotsResponse;
import io.basalt.csi.v1.ListVolumesRequest;
import io.basalt.csi.v1.ListVolumesResponse;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesRequest;
import io.basalt.csi.v1.ValidateVolumeCapabilitiesResponse;
import io.basalt.driver.kube.BasaltCluster;
import io.basalt.driver.server.InFlight;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.function.Supplier;

/**
 * CSI Controller: volumes and snapshots as custom resources. Every call validates, writes or reads
 * resources, and returns at once; the operator does the slow work. There is no ControllerPublish:
 * attaching is the node plugin's iSCSI login.
 */
public final class ControllerService extends ControllerGrpc.ControllerImplBase {

    private static final List<Type> CAPABILITIES = List.of(Type.CREATE_DELETE_VOLUME, Type.LIST_VOLUMES,
            Type.GET_CAPACITY, Type.CREATE_DELETE_SNAPSHOT, Type.LIST_SNAPSHOTS, Type.CLONE_VOLUME,
            Type.EXPAND_VOLUME, Type.LIST_VOLUMES_PUBLISHED_NODES, Type.VOLUME_CONDITION, Type.GET_VOLUME,
            Type.SINGLE_NODE_MULTI_WRITER);

    private final InFlight inFlight;
    private final VolumeProvisioner provisioner;
    private final VolumeCatalog volumes;
    private final SnapshotCatalog snapshots;
    private final CapacityReporter capacity;

    public ControllerService(BasaltCluster cluster, InFlight inFlight) {
        Topologies topologies = new Topologies();
        this.inFlight = inFlight;
        this.provisioner = new VolumeProvisioner(cluster, topologies);
        this.volumes = new VolumeCatalog(cluster);
        this.snapshots = new SnapshotCatalog(cluster);
        this.capacity = new CapacityReporter(cluster, topologies);
    }

    @Override
    public void createVolume(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> response) {
        respond(response, () -> {
            try (var claim = inFlight.claim("volume/" + request.getName())) {
                return CreateVolumeResponse.newBuilder().setVolume(provisioner.create(request)).build();
            }
        });
    }

    @Override
    public void deleteVolume(DeleteVolumeRequest request, StreamObserver<DeleteVolumeResponse> response) {
        respond(response, () -> {
            try (var claim = inFlight.claim("volume/" + request.getVolumeId())) {
                provisioner.delete(request.getVolumeId());
                return DeleteVolumeResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void controllerExpandVolume(ControllerExpandVolumeRequest request,
                                       StreamObserver<ControllerExpandVolumeResponse> response) {
        respond(response, () -> {
            try (var claim = inFlight.claim("volume/" + request.getVolumeId())) {
                return provisioner.expand(request);
            }
        });
    }

    @Override
    public void validateVolumeCapabilities(ValidateVolumeCapabilitiesRequest request,
                                           StreamObserver<ValidateVolumeCapabilitiesResponse> response) {
        respond(response, () -> volumes.validate(request));
    }

    @Override
    public void listVolumes(ListVolumesRequest request, StreamObserver<ListVolumesResponse> response) {
        respond(response, () -> volumes.list(request));
    }

    @Override
    public void controllerGetVolume(ControllerGetVolumeRequest request,
                                    StreamObserver<ControllerGetVolumeResponse> response) {
        respond(response, () -> volumes.get(request.getVolumeId()));
    }

    @Override
    public void getCapacity(GetCapacityRequest request, StreamObserver<GetCapacityResponse> response) {
        respond(response, () -> capacity.capacity(request));
    }

    @Override
    public void controllerGetCapabilities(ControllerGetCapabilitiesRequest request,
                                          StreamObserver<ControllerGetCapabilitiesResponse> response) {
        respond(response, () -> {
            ControllerGetCapabilitiesResponse.Builder capabilities = ControllerGetCapabilitiesResponse.newBuilder();
            CAPABILITIES.forEach(type -> capabilities.addCapabilities(ControllerServiceCapability.newBuilder()
                    .setRpc(ControllerServiceCapability.RPC.newBuilder().setType(type))));
            return capabilities.build();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<CreateSnapshotResponse> response) {
        respond(response, () -> {
            String id = snapshots.idFor(request);
            try (var claim = inFlight.claim("snapshot/" + id)) {
                return CreateSnapshotResponse.newBuilder().setSnapshot(snapshots.create(id, request)).build();
            }
        });
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> response) {
        respond(response, () -> {
            try (var claim = inFlight.claim("snapshot/" + request.getSnapshotId())) {
                snapshots.delete(request.getSnapshotId());
                return DeleteSnapshotResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> response) {
        respond(response, () -> snapshots.list(request));
    }

    private static <T> void respond(StreamObserver<T> response, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (KubernetesClientException e) {
            response.onError(CsiErrors.apiServer("reach the volume records", e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
