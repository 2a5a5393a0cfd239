package io.basalt.engine.cli;

import com.google.protobuf.Message;
import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.RemoveReplicaResponse;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A target's management API standing in for a replicated target: answers what the test scripted
 * (or fails every call with a scripted status) and records every request it was sent.
 */
final class ScriptedTargetManagement extends TargetManagementGrpc.TargetManagementImplBase {

    final List<Message> requests = new CopyOnWriteArrayList<>();
    volatile TargetStatusResponse status = TargetStatusResponse.getDefaultInstance();
    volatile SnapshotVolumeResponse snapshot = SnapshotVolumeResponse.getDefaultInstance();
    volatile AddReplicaResponse added = AddReplicaResponse.getDefaultInstance();
    volatile ResizeTargetResponse resized = ResizeTargetResponse.getDefaultInstance();
    volatile Status failure;

    @Override
    public void targetStatus(TargetStatusRequest request, StreamObserver<TargetStatusResponse> response) {
        answer(request, status, response);
    }

    @Override
    public void resizeTarget(ResizeTargetRequest request, StreamObserver<ResizeTargetResponse> response) {
        answer(request, resized, response);
    }

    @Override
    public void snapshotVolume(SnapshotVolumeRequest request, StreamObserver<SnapshotVolumeResponse> response) {
        answer(request, snapshot, response);
    }

    @Override
    public void addReplica(AddReplicaRequest request, StreamObserver<AddReplicaResponse> response) {
        answer(request, added, response);
    }

    @Override
    public void removeReplica(RemoveReplicaRequest request, StreamObserver<RemoveReplicaResponse> response) {
        answer(request, RemoveReplicaResponse.getDefaultInstance(), response);
    }

    private <T> void answer(Message request, T answer, StreamObserver<T> response) {
        requests.add(request);
        if (failure != null) {
            response.onError(failure.asRuntimeException());
            return;
        }
        response.onNext(answer);
        response.onCompleted();
    }
}
