package io.basalt.engine.management;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDeviceException;
import io.basalt.engine.iscsi.session.SessionType;
import io.basalt.engine.management.v1.FileBackend;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.Session;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The management API of a file-backed target: status and online growth. */
public final class TargetManagementService extends TargetManagementGrpc.TargetManagementImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(TargetManagementService.class);

    private final ServedTarget target;

    public TargetManagementService(ServedTarget target) {
        this.target = target;
    }

    @Override
    public void targetStatus(TargetStatusRequest request, StreamObserver<TargetStatusResponse> response) {
        TargetStatusResponse.Builder status = TargetStatusResponse.newBuilder()
                .setIqn(target.iqn())
                .setCapacityBytes(target.unit().device().size())
                .setBlockSize(target.unit().blockSize())
                .setHealth(Health.HEALTHY)
                .setHealthReason("serving from " + target.file().path());
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
        FileBackend.Builder file = FileBackend.newBuilder().setPath(target.file().path().toString());
        try {
            file.setAllocatedBytes(target.file().allocatedBytes());
        } catch (IOException e) {
            response.onError(Status.INTERNAL.withDescription("cannot read the allocation of "
                    + target.file().path() + ": " + e.getMessage()).asRuntimeException());
            return;
        }
        response.onNext(status.setFile(file).build());
        response.onCompleted();
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
        Status status = cause instanceof BlockDeviceException.InvalidSize ? Status.FAILED_PRECONDITION : Status.INTERNAL;
        return status.withDescription("cannot grow " + target.iqn() + " from " + current + " to " + requested
                + " bytes: " + cause.getMessage()).withCause(cause);
    }
}
