package io.basalt.operator.engine;

import io.basalt.engine.management.v1.AddReplicaRequest;
import io.basalt.engine.management.v1.AddReplicaResponse;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.RemoveReplicaRequest;
import io.basalt.engine.management.v1.RemoveReplicaResponse;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.management.v1.ResizeTargetRequest;
import io.basalt.engine.management.v1.ResizeTargetResponse;
import io.basalt.engine.management.v1.SnapshotHolder;
import io.basalt.engine.management.v1.SnapshotVolumeRequest;
import io.basalt.engine.management.v1.SnapshotVolumeResponse;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A replicated target standing in for the engine's behind the TargetManagement API. Its replicas are
 * those of fake pools, reached by name and pool address and checked against the volume's secret, as
 * the real target reaches them over the replica protocol: a replica whose pool is down is offline, and
 * one that returns or is added rebuilds (over a few status calls, or held until released) before it is
 * healthy again.
 */
public final class FakeTarget extends TargetManagementGrpc.TargetManagementImplBase {

    private static final int REBUILD_STEPS = 2;

    private static final class Member {
        final String name;
        final String address;
        int rebuildLeft;
        boolean slow;

        Member(String name, String address, int rebuildLeft) {
            this.name = name;
            this.address = address;
            this.rebuildLeft = rebuildLeft;
        }
    }

    private final String volume;
    private final int consistencyFactor;
    private final byte[] secret;
    private final Function<String, FakePool> poolAt;
    private final List<Member> members = new ArrayList<>();
    private long capacityBytes;
    private long epoch = 1;
    private int lastHealthy = -1;
    private boolean rebuildsHeld;

    /**
     * @param replicas "name@host:port" as the target's --replica arguments give them
     * @param poolAt the running fake pool serving a replica address, or null when none does
     */
    public FakeTarget(String volume, int consistencyFactor, List<String> replicas, byte[] secret,
                      Function<String, FakePool> poolAt) {
        this.volume = volume;
        this.consistencyFactor = consistencyFactor;
        this.secret = secret;
        this.poolAt = poolAt;
        open(replicas);
    }

    /** Starts over on {@code replicas}, as a restarted target process does: the members it had are forgotten. */
    public synchronized void restartWith(List<String> replicas) {
        members.clear();
        lastHealthy = -1;
        open(replicas);
    }

    private void open(List<String> replicas) {
        for (String replica : replicas) {
            int at = replica.indexOf('@');
            members.add(new Member(replica.substring(0, at), replica.substring(at + 1), 0));
        }
        capacityBytes = members.stream().map(m -> reachable(m.name, m.address)).filter(r -> r != null)
                .mapToLong(FakePool.Replica::sizeBytes).min().orElse(0);
    }

    /** Rebuilds stay at their start until {@link #releaseRebuilds()}. */
    public synchronized void holdRebuilds() {
        rebuildsHeld = true;
    }

    public synchronized void releaseRebuilds() {
        rebuildsHeld = false;
    }

    /** The member named {@code name} answers much more slowly than the others from now on: reads spare it. */
    public synchronized void slowDown(String name) {
        members.stream().filter(m -> m.name.equals(name)).forEach(m -> m.slow = true);
    }

    public synchronized List<String> memberNames() {
        return members.stream().map(m -> m.name).toList();
    }

    public synchronized long capacityBytes() {
        return capacityBytes;
    }

    private FakePool.Replica reachable(String name, String address) {
        FakePool pool = poolAt.apply(address);
        FakePool.Replica replica = pool == null ? null : pool.replica(name);
        return replica != null && Arrays.equals(replica.secret(), secret) ? replica : null;
    }

    private ReplicaMode mode(Member member) {
        if (reachable(member.name, member.address) == null) {
            member.rebuildLeft = REBUILD_STEPS;
            return ReplicaMode.REPLICA_OFFLINE;
        }
        if (member.rebuildLeft > 0) {
            if (!rebuildsHeld) {
                member.rebuildLeft--;
            }
            return member.rebuildLeft == 0 && !rebuildsHeld ? ReplicaMode.REPLICA_HEALTHY : ReplicaMode.REPLICA_REBUILDING;
        }
        return ReplicaMode.REPLICA_HEALTHY;
    }

    private List<Member> healthy() {
        return members.stream().filter(m -> reachable(m.name, m.address) != null && m.rebuildLeft == 0).toList();
    }

    @Override
    public void targetStatus(TargetStatusRequest request, StreamObserver<TargetStatusResponse> response) {
        FakePool.answer(response, () -> {
            synchronized (this) {
                ReplicatedBackend.Builder backend = ReplicatedBackend.newBuilder().setVolume(volume)
                        .setReplicationFactor(members.size()).setConsistencyFactor(consistencyFactor);
                int healthy = 0;
                for (Member member : members) {
                    ReplicaMode mode = mode(member);
                    ReplicaStatus.Builder status = ReplicaStatus.newBuilder().setName(member.name)
                            .setAddress(member.address).setMode(mode).setEpoch(epoch)
                            .setResponseMillis(member.slow ? 100 : 0.3)
                            .setReadsSpared(member.slow && mode == ReplicaMode.REPLICA_HEALTHY);
                    if (mode == ReplicaMode.REPLICA_REBUILDING) {
                        status.setRebuild(RebuildProgress.newBuilder().setTotalBytes(capacityBytes)
                                .setCopiedBytes(capacityBytes * (REBUILD_STEPS - member.rebuildLeft) / REBUILD_STEPS));
                    }
                    healthy += mode == ReplicaMode.REPLICA_HEALTHY ? 1 : 0;
                    backend.addReplicas(status);
                }
                if (healthy != lastHealthy) {
                    epoch++;
                    lastHealthy = healthy;
                }
                Health health = healthy >= members.size() ? Health.HEALTHY
                        : healthy >= consistencyFactor ? Health.DEGRADED : Health.OFFLINE;
                return TargetStatusResponse.newBuilder().setIqn("iqn.fake:" + volume).setCapacityBytes(capacityBytes)
                        .setBlockSize(4096).setHealth(health).setReplicated(backend.setEpoch(epoch)).build();
            }
        });
    }

    @Override
    public void resizeTarget(ResizeTargetRequest request, StreamObserver<ResizeTargetResponse> response) {
        FakePool.answer(response, () -> {
            synchronized (this) {
                long previous = capacityBytes;
                if (request.getCapacityBytes() < previous) {
                    throw Status.FAILED_PRECONDITION.withDescription("targets never shrink").asRuntimeException();
                }
                for (Member member : healthy()) {
                    poolAt.apply(member.address).resize(member.name, request.getCapacityBytes());
                }
                capacityBytes = request.getCapacityBytes();
                return ResizeTargetResponse.newBuilder().setPreviousCapacityBytes(previous)
                        .setCapacityBytes(capacityBytes).build();
            }
        });
    }

    @Override
    public void snapshotVolume(SnapshotVolumeRequest request, StreamObserver<SnapshotVolumeResponse> response) {
        FakePool.answer(response, () -> {
            synchronized (this) {
                List<Member> healthy = healthy();
                if (healthy.size() < consistencyFactor) {
                    throw Status.FAILED_PRECONDITION.withDescription(healthy.size() + " healthy replicas, "
                            + consistencyFactor + " needed").asRuntimeException();
                }
                long now = System.currentTimeMillis();
                SnapshotVolumeResponse.Builder taken = SnapshotVolumeResponse.newBuilder()
                        .setSnapshot(request.getSnapshot()).setCreatedMillis(now);
                for (Member member : healthy) {
                    poolAt.apply(member.address).snapshot(member.name, request.getSnapshot(), now);
                    taken.addHolders(SnapshotHolder.newBuilder().setName(member.name).setAddress(member.address));
                }
                return taken.build();
            }
        });
    }

    @Override
    public void addReplica(AddReplicaRequest request, StreamObserver<AddReplicaResponse> response) {
        FakePool.answer(response, () -> {
            synchronized (this) {
                if (members.stream().noneMatch(m -> m.name.equals(request.getName()))) {
                    FakePool.Replica replica = reachable(request.getName(), request.getAddress());
                    if (replica == null || replica.sizeBytes() < capacityBytes) {
                        throw Status.FAILED_PRECONDITION.withDescription("replica " + request.getName() + " at "
                                + request.getAddress() + " missing, too small or with another secret")
                                .asRuntimeException();
                    }
                    members.add(new Member(request.getName(), request.getAddress(), REBUILD_STEPS));
                }
                return AddReplicaResponse.getDefaultInstance();
            }
        });
    }

    @Override
    public void removeReplica(RemoveReplicaRequest request, StreamObserver<RemoveReplicaResponse> response) {
        FakePool.answer(response, () -> {
            synchronized (this) {
                Member member = members.stream().filter(m -> m.name.equals(request.getName())).findFirst()
                        .orElseThrow(() -> Status.NOT_FOUND.withDescription("not a member: " + request.getName())
                                .asRuntimeException());
                List<Member> healthyAfter = healthy().stream().filter(m -> m != member).toList();
                if (healthyAfter.size() < consistencyFactor) {
                    throw Status.FAILED_PRECONDITION.withDescription("would leave " + healthyAfter.size()
                            + " healthy replicas").asRuntimeException();
                }
                members.remove(member);
                return RemoveReplicaResponse.getDefaultInstance();
            }
        });
    }
}
