package io.basalt.operator.engine;

import com.google.protobuf.ByteString;
import io.basalt.engine.management.v1.CloneSource;
import io.basalt.engine.management.v1.CreateReplicaRequest;
import io.basalt.engine.management.v1.DeleteReplicaRequest;
import io.basalt.engine.management.v1.DeleteSnapshotRequest;
import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.PoolManagementGrpc.PoolManagementBlockingStub;
import io.basalt.engine.management.v1.PoolStatusRequest;
import io.basalt.engine.management.v1.PoolStatusResponse;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.engine.management.v1.ResizeReplicaRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One pool server's management API. Every failure is an {@link EngineCallException}. */
public final class PoolApi {

    private final EngineEndpoint<PoolManagementBlockingStub> endpoint;

    PoolApi(String address, PoolManagementBlockingStub stub, Duration deadline) {
        this.endpoint = new EngineEndpoint<>(address, stub, deadline);
    }

    public String address() {
        return endpoint.address();
    }

    public PoolStatusResponse status() {
        return call("PoolStatus", s -> s.poolStatus(PoolStatusRequest.getDefaultInstance()));
    }

    public List<ReplicaInfo> replicas() {
        return call("ListReplicas", s -> s.listReplicas(ListReplicasRequest.getDefaultInstance())).getReplicasList();
    }

    public Optional<ReplicaInfo> replica(String name) {
        return replicas().stream().filter(r -> r.getName().equals(name)).findFirst();
    }

    /**
     * Creates a replica, or returns it when it exists with that size (the pool makes retries safe).
     *
     * @param sizeBytes the size; ignored for a clone, which starts at its snapshot's size
     * @param secret the volume's replica secret
     * @param cloneOf the replica and snapshot a clone starts from
     */
    public ReplicaInfo createReplica(String name, long sizeBytes, String secret, Optional<CloneSource> cloneOf) {
        CreateReplicaRequest.Builder request = CreateReplicaRequest.newBuilder()
                .setName(name)
                .setSecret(ByteString.copyFromUtf8(secret));
        cloneOf.ifPresentOrElse(request::setCloneOf, () -> request.setSizeBytes(sizeBytes));
        return call("CreateReplica", s -> s.createReplica(request.build()));
    }

    public ReplicaInfo resizeReplica(String name, long sizeBytes) {
        return call("ResizeReplica", s -> s.resizeReplica(ResizeReplicaRequest.newBuilder()
                .setName(name).setSizeBytes(sizeBytes).build()));
    }

    /** Deletes a replica and its data; one that is already gone counts as deleted. */
    public void deleteReplica(String name) {
        ignoringNotFound("DeleteReplica", s -> s.deleteReplica(DeleteReplicaRequest.newBuilder().setName(name).build()));
    }

    /** Deletes a snapshot layer of a replica; one that is already gone counts as deleted. */
    public void deleteSnapshot(String replica, String snapshot) {
        ignoringNotFound("DeleteSnapshot", s -> s.deleteSnapshot(DeleteSnapshotRequest.newBuilder()
                .setReplica(replica).setSnapshot(snapshot).build()));
    }

    private void ignoringNotFound(String name, Function<PoolManagementBlockingStub, ?> call) {
        try {
            call(name, call);
        } catch (EngineCallException e) {
            if (e.code() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    private <T> T call(String name, Function<PoolManagementBlockingStub, T> call) {
        return endpoint.call(name, call);
    }
}
