package io.basalt.engine.management;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDeviceException;
import io.basalt.engine.iscsi.session.SessionType;
import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.FileBackend;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.RemoveReplicaResponse;
import io.basalt.engine.management.v1.ReplicaWithoutSnapshot;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.Session;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotHolder;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.basalt.engine.replication.ReplicaEndpoint;
import io.basalt.engine.replication.ReplicatedBlockDevice;
import io.basalt.engine.replication.ReplicationRequestException;
import io.basalt.engine.replication.VolumeStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API of a target: status and online growth for every target; snapshots and replica
 * membership for a replicated one.
 */
public final class TargetManagementService extends TargetManagementGrpc.TargetManagementImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(TargetManagementService.class);

    private static final Pattern SNAPSHOT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ServedTarget target;

    public TargetManagementService(ServedTarget target) {
        this.target = target;
    }

    @Override
    public void targetStatus(TargetStatusRequest request, StreamObserver<TargetStatusResponse> response) {
        TargetStatusResponse.Builder status = TargetStatusResponse.newBuilder()
                .setIqn(target.iqn())
                .setCapacityBytes(target.unit().device().size())
                .setBlockSize(target.unit().blockSize());
        if (target.advertisedPortal() != null) {
            status.setAdvertisedPortal(target.advertisedPortal());
        }
        target.sessions().get().forEach(session -> status.addSessions(Session.newBuilder()
                .setInitiatorName(session.key().initiatorName())
                .setIsid(String.format("%012x", session.key().isid()))
                .setTsih(session.tsih())
                .setType(session.type() == SessionType.DISCOVERY
                        ? io.basalt.engine.management.v1.SessionType.DISCOVERY
                        : io.basalt.engine.management.v1.SessionType.NORMAL)));
        switch (target.backend()) {
            case TargetBackend.File file -> {
                status.setHealth(Health.HEALTHY).setHealthReason("serving from " + file.device().path());
                FileBackend.Builder backend = FileBackend.newBuilder().setPath(file.device().path().toString());
                try {
                    backend.setAllocatedBytes(file.device().allocatedBytes());
                } catch (IOException e) {
                    response.onError(Status.INTERNAL.withDescription("cannot read the allocation of "
                            + file.device().path() + ": " + e.getMessage()).asRuntimeException());
                    return;
                }
                status.setFile(backend);
            }
            case TargetBackend.Replicated replicated -> {
                VolumeStatus volume = replicated.device().status();
                status.setHealth(ReplicatedStatus.health(volume.health())).setHealthReason(volume.reason())
                        .setReplicated(ReplicatedStatus.backend(volume));
            }
        }
        response.onNext(status.build());
        response.onCompleted();
    }

    @Override
    public void snapshotVolume(SnapshotVolumeRequest request, StreamObserver<SnapshotVolumeResponse> response) {
        ReplicatedBlockDevice device = replicated(response);
        if (device == null) {
            return;
        }
        if (!SNAPSHOT_NAME.matcher(request.getSnapshot()).matches()) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("snapshot name '" + request.getSnapshot()
                    + "' must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit")
                    .asRuntimeException());
            return;
        }
        try {
            ReplicatedBlockDevice.SnapshotTaken taken = device.snapshot(request.getSnapshot()).join();
            SnapshotVolumeResponse.Builder answer = SnapshotVolumeResponse.newBuilder().setSnapshot(taken.name())
                    .setCreatedMillis(taken.createdMillis());
            taken.replicas().forEach(replica -> answer.addHolders(SnapshotHolder.newBuilder()
                    .setName(replica.name()).setAddress(replica.address())));
            taken.missing().forEach(missing -> answer.addMissing(ReplicaWithoutSnapshot.newBuilder()
                    .setName(missing.replica().name()).setAddress(missing.replica().address())
                    .setReason(missing.reason())));
            response.onNext(answer.build());
            response.onCompleted();
        } catch (CompletionException e) {
            response.onError(requestFailure("snapshot " + request.getSnapshot(), e.getCause()).asRuntimeException());
        }
    }

    @Override
    public void addReplica(AddReplicaRequest request, StreamObserver<AddReplicaResponse> response) {
        ReplicatedBlockDevice device = replicated(response);
        if (device == null) {
            return;
        }
        ReplicaEndpoint endpoint = endpoint(request.getName(), request.getAddress(), response);
        if (endpoint == null) {
            return;
        }
        try {
            VolumeStatus.Replica added = device.addReplica(endpoint);
            response.onNext(AddReplicaResponse.newBuilder().setReplica(ReplicatedStatus.replica(added)).build());
            response.onCompleted();
        } catch (ReplicationRequestException e) {
            response.onError(requestFailure("add replica " + endpoint, e).asRuntimeException());
        }
    }

    @Override
    public void removeReplica(RemoveReplicaRequest request, StreamObserver<RemoveReplicaResponse> response) {
        ReplicatedBlockDevice device = replicated(response);
        if (device == null) {
            return;
        }
        ReplicaEndpoint endpoint = endpoint(request.getName(), request.getAddress(), response);
        if (endpoint == null) {
            return;
        }
        try {
            device.removeReplica(endpoint.name(), endpoint.address());
            response.onNext(RemoveReplicaResponse.getDefaultInstance());
            response.onCompleted();
        } catch (ReplicationRequestException e) {
            response.onError(requestFailure("remove replica " + endpoint, e).asRuntimeException());
        }
    }

    /** The replicated device, or null after answering FAILED_PRECONDITION for a file-backed target. */
    private ReplicatedBlockDevice replicated(StreamObserver<?> response) {
        if (target.backend() instanceof TargetBackend.Replicated replicated) {
            return replicated.device();
        }
        response.onError(Status.FAILED_PRECONDITION.withDescription(target.iqn()
                + " is a file-backed target: it has no replicas").asRuntimeException());
        return null;
    }

    /** The replica named, or null after answering INVALID_ARGUMENT for a name or address that is none. */
    private static ReplicaEndpoint endpoint(String name, String address, StreamObserver<?> response) {
        try {
            return ReplicatedStatus.endpoint(name, address);
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return null;
        }
    }

    private static Status requestFailure(String what, Throwable cause) {
        Status status = switch (cause) {
            case ReplicationRequestException.NotAMember e -> Status.NOT_FOUND;
            case ReplicationRequestException.Refused e -> Status.FAILED_PRECONDITION;
            case BlockDeviceException.Unavailable e -> Status.FAILED_PRECONDITION;
            default -> Status.INTERNAL;
        };
        return status.withDescription("cannot " + what + ": " + cause.getMessage()).withCause(cause);
    }

    @Override
    public void resizeTarget(ResizeTargetRequest request, StreamObserver<ResizeTargetResponse> response) {
        long current = target.unit().device().size();
        long requested = request.getCapacityBytes();
        int blockSize = target.unit().blockSize();
        if (requested <= 0 || requested % blockSize != 0) {
            response.onError(Status.INVALID_ARGUMENT.withDescription("capacity " + requested
                    + " bytes is not a positive multiple of the " + blockSize + "-byte block size").asRuntimeException());
            return;
        }
        if (requested < current) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("cannot shrink " + target.iqn() + " from "
                    + current + " to " + requested + " bytes: targets only grow").asRuntimeException());
            return;
        }
        if (requested > current) {
            try {
                target.unit().grow(requested).join();
            } catch (CompletionException e) {
                response.onError(resizeFailure(e.getCause(), current, requested).asRuntimeException());
                return;
            }
            LOG.info("target grown: {} {} {}", kv("iqn", target.iqn()), kv("previousBytes", current),
                    kv("sizeBytes", requested));
        }
        response.onNext(ResizeTargetResponse.newBuilder()
                .setPreviousCapacityBytes(current)
                .setCapacityBytes(target.unit().device().size())
                .build());
        response.onCompleted();
    }

    private Status resizeFailure(Throwable cause, long current, long requested) {
        Status status = switch (cause) {
            case BlockDeviceException.UnsupportedSize e -> Status.INVALID_ARGUMENT;
            case BlockDeviceException.InvalidSize e -> Status.FAILED_PRECONDITION;
            case BlockDeviceException.Unavailable e -> Status.FAILED_PRECONDITION;
            default -> Status.INTERNAL;
        };
        return status.withDescription("cannot grow " + target.iqn() + " from " + current + " to " + requested
                + " bytes: " + cause.getMessage()).withCause(cause);
    }
}
