package io.basalt.engine.management;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.management.v1.CreateReplicaRequest;
import io.basalt.engine.management.v1.CreateSnapshotRequest;
import io.basalt.engine.management.v1.DeleteReplicaRequest;
import io.basalt.engine.management.v1.DeleteReplicaResponse;
import io.basalt.engine.management.v1.DeleteSnapshotRequest;
import io.basalt.engine.management.v1.DeleteSnapshotResponse;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.ListReplicasResponse;
import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.PoolStatusRequest;
import io.basalt.engine.management.v1.PoolStatusResponse;
import io.basalt.engine.management.v1.ReplicaChecksumRequest;
import io.basalt.engine.management.v1.ReplicaChecksumResponse;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.engine.management.v1.ResizeReplicaRequest;
import io.basalt.engine.management.v1.SnapshotDetails;
import io.basalt.engine.replica.store.NameInUseException;
import io.basalt.engine.replica.server.ReplicaSecrets;
import io.basalt.engine.replica.store.Replica;
import io.basalt.engine.replica.store.ReplicaPool;
import io.basalt.engine.replica.store.ReplicaStoreException;
import io.basalt.engine.replica.store.SnapshotInfo;
import io.basalt.engine.replica.store.UnknownReplicaException;
import io.basalt.engine.replica.store.UnknownSnapshotException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The management API of a pool server: its replicas, their snapshots and the pool's space. */
public final class PoolManagementService extends PoolManagementGrpc.PoolManagementImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(PoolManagementService.class);

    private final ReplicaPool pool;
    private final PoolSpace space;
    private final ReplicaSecrets secrets;

    public PoolManagementService(ReplicaPool pool, PoolSpace space, ReplicaSecrets secrets) {
        this.pool = pool;
        this.space = space;
        this.secrets = secrets;
    }

    /** One RPC's work; store and I/O failures become gRPC statuses in {@link #answer}. */
    private interface Work<T> {
        T run() throws IOException;
    }

    @Override
    public void createReplica(CreateReplicaRequest request, StreamObserver<ReplicaInfo> response) {
        answer(response, () -> {
            String name = request.getName();
            long size = requestedSize(request);
            byte[] secret = requestedSecret(request);
            Optional<Replica> existing = existing(name);
            if (existing.isPresent()) {
                if (existing.get().size() != size) {
                    throw Status.ALREADY_EXISTS.withDescription("replica '" + name + "' already exists with "
                            + existing.get().size() + " bytes, not " + size).asRuntimeException();
                }
                storeSecret(name, secret);
                return info(existing.get());
            }
            PoolSpace.Usage usage = space.usage(pool.usedBytes());
            if (usage.freeBytes() == 0) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("pool in " + space.directory() + " is full: "
                        + usage.usedBytes() + " of " + usage.capacityBytes() + " bytes used").asRuntimeException();
            }
            Replica created = request.hasCloneOf()
                    ? pool.clone(request.getCloneOf().getReplica(), request.getCloneOf().getSnapshot(), name)
                    : pool.create(name, size);
            storeSecret(name, secret);
            LOG.info("replica created: {} {} {} {}", kv("replica", name), kv("sizeBytes", size),
                    kv("cloneOf", request.hasCloneOf() ? request.getCloneOf().getReplica() : null),
                    kv("snapshot", request.hasCloneOf() ? request.getCloneOf().getSnapshot() : null));
            return info(created);
        });
    }

    @Override
    public void deleteReplica(DeleteReplicaRequest request, StreamObserver<DeleteReplicaResponse> response) {
        answer(response, () -> {
            pool.replica(request.getName()); // no such replica: nothing is touched
            // the secret first: a crash in between leaves a replica nobody can connect to, never
            // a secret waiting for a future replica of the same name
            secrets.delete(request.getName());
            pool.delete(request.getName());
            return DeleteReplicaResponse.getDefaultInstance();
        });
    }

    @Override
    public void resizeReplica(ResizeReplicaRequest request, StreamObserver<ReplicaInfo> response) {
        answer(response, () -> {
            Replica replica = pool.replica(request.getName());
            long current = replica.size();
            if (request.getSizeBytes() < current) {
                throw Status.FAILED_PRECONDITION.withDescription("cannot shrink replica '" + replica.name()
                        + "' from " + current + " to " + request.getSizeBytes() + " bytes: replicas only grow")
                        .asRuntimeException();
            }
            if (request.getSizeBytes() > current) {
                replica.resize(request.getSizeBytes());
                LOG.info("replica grown: {} {} {}", kv("replica", replica.name()), kv("previousBytes", current),
                        kv("sizeBytes", request.getSizeBytes()));
            }
            return info(replica);
        });
    }

    @Override
    public void listReplicas(ListReplicasRequest request, StreamObserver<ListReplicasResponse> response) {
        answer(response, () -> {
            ListReplicasResponse.Builder list = ListReplicasResponse.newBuilder();
            for (String name : pool.replicaNames()) {
                // A replica deleted between the listing and this look-up is simply no longer there.
                existing(name).ifPresent(replica -> list.addReplicas(info(replica)));
            }
            return list.build();
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<SnapshotDetails> response) {
        answer(response, () -> details(pool.replica(request.getReplica()).snapshot(request.getSnapshot())));
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> response) {
        answer(response, () -> {
            pool.replica(request.getReplica()).deleteSnapshot(request.getSnapshot());
            return DeleteSnapshotResponse.getDefaultInstance();
        });
    }

    @Override
    public void replicaChecksum(ReplicaChecksumRequest request, StreamObserver<ReplicaChecksumResponse> response) {
        answer(response, () -> {
            Replica replica = pool.replica(request.getName());
            return ReplicaChecksumResponse.newBuilder()
                    .setName(replica.name())
                    .setSizeBytes(replica.size())
                    .setCrc32C(String.format(Locale.ROOT, "%08x", replica.checksum()))
                    .build();
        });
    }

    @Override
    public void poolStatus(PoolStatusRequest request, StreamObserver<PoolStatusResponse> response) {
        answer(response, () -> {
            PoolSpace.Usage usage = space.usage(pool.usedBytes());
            PoolStatusResponse.Builder status = PoolStatusResponse.newBuilder()
                    .setDirectory(space.directory().toString())
                    .setCapacityBytes(usage.capacityBytes())
                    .setUsedBytes(usage.usedBytes())
                    .setFreeBytes(usage.freeBytes())
                    .setReplicaCount(pool.replicaNames().size());
            Optional<String> failure = pool.failureReason();
            if (failure.isPresent()) {
                status.setHealth(Health.OFFLINE).setHealthReason("the pool failed (" + failure.get()
                        + "); restart the pool server to recover");
            } else if (usage.freeBytes() == 0) {
                status.setHealth(Health.DEGRADED).setHealthReason("no free space: writes to unallocated blocks fail");
            } else {
                status.setHealth(Health.HEALTHY).setHealthReason("serving " + status.getReplicaCount()
                        + " replicas from " + space.directory());
            }
            return status.build();
        });
    }

    private long requestedSize(CreateReplicaRequest request) throws IOException {
        if (!request.hasCloneOf()) {
            return request.getSizeBytes();
        }
        String source = request.getCloneOf().getReplica();
        String snapshot = request.getCloneOf().getSnapshot();
        long snapshotSize = pool.replica(source).listSnapshots().stream()
                .filter(candidate -> candidate.name().equals(snapshot))
                .findFirst()
                .orElseThrow(() -> new UnknownSnapshotException(source, snapshot))
                .size();
        if (request.getSizeBytes() != 0 && request.getSizeBytes() != snapshotSize) {
            throw Status.INVALID_ARGUMENT.withDescription("a clone of snapshot '" + snapshot + "' of '" + source
                    + "' has its " + snapshotSize + " bytes, not " + request.getSizeBytes()).asRuntimeException();
        }
        return snapshotSize;
    }

    private Optional<Replica> existing(String name) {
        try {
            return Optional.of(pool.replica(name));
        } catch (UnknownReplicaException e) {
            return Optional.empty();
        }
    }

    private static ReplicaInfo info(Replica replica) {
        ReplicaInfo.Builder info = ReplicaInfo.newBuilder()
                .setName(replica.name())
                .setSizeBytes(replica.size())
                .setUsedBytes(replica.usedBytes())
                .setEpoch(replica.epoch())
                .setConsistentThrough(replica.consistentThrough());
        replica.listSnapshots().forEach(snapshot -> info.addSnapshots(details(snapshot)));
        return info.build();
    }

    private static SnapshotDetails details(SnapshotInfo snapshot) {
        return SnapshotDetails.newBuilder()
                .setName(snapshot.name())
                .setCreatedMillis(snapshot.created().toEpochMilli())
                .setSizeBytes(snapshot.size())
                .setUsedBytes(snapshot.usedBytes())
                .build();
    }

    private static byte[] requestedSecret(CreateReplicaRequest request) {
        byte[] secret = request.getSecret().toByteArray();
        if (secret.length > 0 && (secret.length < ReplicaSecrets.MIN_BYTES || secret.length > ReplicaSecrets.MAX_BYTES)) {
            throw Status.INVALID_ARGUMENT.withDescription("a volume secret has " + ReplicaSecrets.MIN_BYTES + " to "
                    + ReplicaSecrets.MAX_BYTES + " bytes, not " + secret.length).asRuntimeException();
        }
        return secret;
    }

    private void storeSecret(String name, byte[] secret) throws IOException {
        if (secret.length > 0) {
            secrets.store(name, secret);
        }
    }

    private static <T> void answer(StreamObserver<T> response, Work<T> work) {
        T result;
        try {
            result = work.run();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (IOException | RuntimeException e) {
            response.onError(status(e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** The gRPC status of a store failure: what the caller did wrong, or what the pool could not do. */
    private static Status status(Exception e) {
        Status status = switch (e) {
            case UnknownReplicaException unknown -> Status.NOT_FOUND;
            case UnknownSnapshotException unknown -> Status.NOT_FOUND;
            case NameInUseException taken -> Status.ALREADY_EXISTS;
            case ReplicaStoreException store -> Status.FAILED_PRECONDITION;
            case IllegalArgumentException invalid -> Status.INVALID_ARGUMENT;
            case IOException io when outOfSpace(io) -> Status.RESOURCE_EXHAUSTED;
            default -> Status.INTERNAL;
        };
        if (status.getCode() == Status.Code.INTERNAL) {
            LOG.error("pool management call failed: {}", kv("reason", e.getMessage()), e);
        }
        return status.withDescription(e.getMessage()).withCause(e);
    }

    private static boolean outOfSpace(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("No space left on device");
    }
}
