package io.basalt.operator.engine;

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
import io.basalt.engine.management.v1.ReplicaInfo;
import io.basalt.engine.management.v1.ResizeReplicaRequest;
import io.basalt.engine.management.v1.SnapshotDetails;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A pool server standing in for the engine's behind the PoolManagement API: replicas with their
 * secret, size, snapshots and clone source, kept in memory (and kept while the pool is "down", as
 * a pool directory is). Answers as the management.proto contract says, errors included.
 */
public final class FakePool extends PoolManagementGrpc.PoolManagementImplBase {

    /** One replica. @param cloneOf "replica@snapshot" it was cloned from, or null */
    public record Replica(String name, long sizeBytes, byte[] secret, Map<String, SnapshotDetails> snapshots,
                          String cloneOf) {
    }

    private final long capacityBytes;
    private final Map<String, Replica> replicas = new TreeMap<>();

    public FakePool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    public synchronized Set<String> replicaNames() {
        return Set.copyOf(replicas.keySet());
    }

    public synchronized Replica replica(String name) {
        return replicas.get(name);
    }

    synchronized void resize(String name, long sizeBytes) {
        Replica replica = replicas.get(name);
        replicas.put(name, new Replica(name, Math.max(sizeBytes, replica.sizeBytes()), replica.secret(),
                replica.snapshots(), replica.cloneOf()));
    }

    synchronized SnapshotDetails snapshot(String name, String snapshot, long createdMillis) {
        Replica replica = replicas.get(name);
        return replica.snapshots().computeIfAbsent(snapshot, s -> SnapshotDetails.newBuilder().setName(s)
                .setCreatedMillis(createdMillis).setSizeBytes(replica.sizeBytes()).build());
    }

    private long usedBytes() {
        return replicas.values().stream().filter(r -> r.cloneOf() == null).mapToLong(Replica::sizeBytes).sum();
    }

    @Override
    public void poolStatus(PoolStatusRequest request, StreamObserver<PoolStatusResponse> response) {
        answer(response, () -> {
            synchronized (this) {
                return PoolStatusResponse.newBuilder().setDirectory("/fake").setCapacityBytes(capacityBytes)
                        .setUsedBytes(usedBytes()).setFreeBytes(capacityBytes - usedBytes())
                        .setReplicaCount(replicas.size()).setHealth(Health.HEALTHY).build();
            }
        });
    }

    @Override
    public void createReplica(CreateReplicaRequest request, StreamObserver<ReplicaInfo> response) {
        answer(response, () -> {
            synchronized (this) {
                if (request.getSecret().size() < 16) {
                    throw Status.INVALID_ARGUMENT.withDescription("secret of 16 to 1024 bytes needed").asRuntimeException();
                }
                long size = request.getSizeBytes();
                String cloneOf = null;
                if (request.hasCloneOf()) {
                    Replica source = replicas.get(request.getCloneOf().getReplica());
                    SnapshotDetails snapshot = source == null ? null
                            : source.snapshots().get(request.getCloneOf().getSnapshot());
                    if (snapshot == null) {
                        throw Status.NOT_FOUND.withDescription("no snapshot " + request.getCloneOf().getSnapshot()
                                + " of " + request.getCloneOf().getReplica()).asRuntimeException();
                    }
                    size = snapshot.getSizeBytes();
                    cloneOf = source.name() + "@" + snapshot.getName();
                } else if (size <= 0 || size % 4096 != 0) {
                    throw Status.INVALID_ARGUMENT.withDescription("size must be a positive multiple of 4096")
                            .asRuntimeException();
                }
                Replica existing = replicas.get(request.getName());
                if (existing != null && existing.sizeBytes() != size) {
                    throw Status.ALREADY_EXISTS.withDescription(request.getName() + " exists with another size")
                            .asRuntimeException();
                }
                Replica replica = new Replica(request.getName(), size, request.getSecret().toByteArray(),
                        existing == null ? new LinkedHashMap<>() : existing.snapshots(),
                        existing == null ? cloneOf : existing.cloneOf());
                replicas.put(replica.name(), replica);
                return info(replica);
            }
        });
    }

    @Override
    public void deleteReplica(DeleteReplicaRequest request, StreamObserver<DeleteReplicaResponse> response) {
        answer(response, () -> {
            synchronized (this) {
                if (replicas.remove(request.getName()) == null) {
                    throw Status.NOT_FOUND.withDescription("no replica " + request.getName()).asRuntimeException();
                }
                return DeleteReplicaResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void resizeReplica(ResizeReplicaRequest request, StreamObserver<ReplicaInfo> response) {
        answer(response, () -> {
            synchronized (this) {
                Replica replica = existing(request.getName());
                if (request.getSizeBytes() < replica.sizeBytes()) {
                    throw Status.FAILED_PRECONDITION.withDescription("replicas only grow").asRuntimeException();
                }
                resize(request.getName(), request.getSizeBytes());
                return info(replicas.get(request.getName()));
            }
        });
    }

    @Override
    public void listReplicas(ListReplicasRequest request, StreamObserver<ListReplicasResponse> response) {
        answer(response, () -> {
            synchronized (this) {
                ListReplicasResponse.Builder list = ListReplicasResponse.newBuilder();
                replicas.values().forEach(r -> list.addReplicas(info(r)));
                return list.build();
            }
        });
    }

    @Override
    public void createSnapshot(CreateSnapshotRequest request, StreamObserver<SnapshotDetails> response) {
        answer(response, () -> {
            synchronized (this) {
                Replica replica = existing(request.getReplica());
                if (replica.snapshots().containsKey(request.getSnapshot())) {
                    throw Status.ALREADY_EXISTS.withDescription(request.getSnapshot()).asRuntimeException();
                }
                return snapshot(request.getReplica(), request.getSnapshot(), System.currentTimeMillis());
            }
        });
    }

    @Override
    public void deleteSnapshot(DeleteSnapshotRequest request, StreamObserver<DeleteSnapshotResponse> response) {
        answer(response, () -> {
            synchronized (this) {
                if (existing(request.getReplica()).snapshots().remove(request.getSnapshot()) == null) {
                    throw Status.NOT_FOUND.withDescription("no snapshot " + request.getSnapshot()).asRuntimeException();
                }
                return DeleteSnapshotResponse.getDefaultInstance();
            }
        });
    }

    private Replica existing(String name) {
        Replica replica = replicas.get(name);
        if (replica == null) {
            throw Status.NOT_FOUND.withDescription("no replica " + name).asRuntimeException();
        }
        return replica;
    }

    private static ReplicaInfo info(Replica replica) {
        return ReplicaInfo.newBuilder().setName(replica.name()).setSizeBytes(replica.sizeBytes())
                .addAllSnapshots(replica.snapshots().values()).build();
    }

    static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        try {
            response.onNext(call.get());
            response.onCompleted();
        } catch (io.grpc.StatusRuntimeException e) {
            response.onError(e);
        }
    }
}
