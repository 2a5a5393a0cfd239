package io.basalt.operator.engine;

import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc.TargetManagementBlockingStub;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.Status;
import java.time.Duration;
import java.util.function.Function;

/** One volume target's management API. Every failure is an {@link EngineCallException}. */
public final class TargetApi {

    private final EngineEndpoint<TargetManagementBlockingStub> endpoint;

    TargetApi(String address, TargetManagementBlockingStub stub, Duration deadline) {
        this.endpoint = new EngineEndpoint<>(address, stub, deadline);
    }

    public String address() {
        return endpoint.address();
    }

    public TargetStatusResponse status() {
        return call("TargetStatus", s -> s.targetStatus(TargetStatusRequest.getDefaultInstance()));
    }

    /** Grows the replicas and then the LUN; asking for the current size is a no-op. */
    public ResizeTargetResponse resize(long capacityBytes) {
        return call("ResizeTarget", s -> s.resizeTarget(ResizeTargetRequest.newBuilder()
                .setCapacityBytes(capacityBytes).build()));
    }

    /** Snapshots every healthy replica under one name; repeating a name they all have is a no-op. */
    public SnapshotVolumeResponse snapshot(String name) {
        return call("SnapshotVolume", s -> s.snapshotVolume(SnapshotVolumeRequest.newBuilder()
                .setSnapshot(name).build()));
    }

    /** Adds a replica that rebuilds online; adding a member again is a no-op. */
    public void addReplica(String name, String replicaAddress) {
        call("AddReplica", s -> s.addReplica(AddReplicaRequest.newBuilder()
                .setName(name).setAddress(replicaAddress).build()));
    }

    /** Retires a replica; one that is no longer a member counts as retired. */
    public void removeReplica(String name, String replicaAddress) {
        try {
            call("RemoveReplica", s -> s.removeReplica(RemoveReplicaRequest.newBuilder()
                    .setName(name).setAddress(replicaAddress).build()));
        } catch (EngineCallException e) {
            if (e.code() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    private <T> T call(String name, Function<TargetManagementBlockingStub, T> call) {
        return endpoint.call(name, call);
    }
}
