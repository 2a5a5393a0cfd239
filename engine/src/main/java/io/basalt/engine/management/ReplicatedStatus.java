package io.basalt.engine.management;

import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.RebuildProgress;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.ReplicatedBackend;
import io.basalt.engine.replication.ReplicaEndpoint;
import io.basalt.engine.replication.VolumeStatus;

/** Translates a replicated volume's state to and from the management API's messages. */
final class ReplicatedStatus {

    private ReplicatedStatus() {
    }

    static Health health(VolumeStatus.Health health) {
        return switch (health) {
            case HEALTHY -> Health.HEALTHY;
            case DEGRADED -> Health.DEGRADED;
            case OFFLINE -> Health.OFFLINE;
        };
    }

    static ReplicatedBackend backend(VolumeStatus volume) {
        ReplicatedBackend.Builder backend = ReplicatedBackend.newBuilder()
                .setVolume(volume.volume())
                .setReplicationFactor(volume.replicas().size())
                .setConsistencyFactor(volume.consistencyFactor())
                .setEpoch(Math.max(0, volume.epoch()))
                .setSequence(Math.max(0, volume.sequence()));
        volume.replicas().forEach(replica -> backend.addReplicas(replica(replica)));
        return backend.build();
    }

    static ReplicaStatus replica(VolumeStatus.Replica replica) {
        ReplicaStatus.Builder status = ReplicaStatus.newBuilder()
                .setName(replica.endpoint().name())
                .setAddress(replica.endpoint().address())
                .setMode(switch (replica.mode()) {
                    case HEALTHY -> ReplicaMode.REPLICA_HEALTHY;
                    case REBUILDING -> ReplicaMode.REPLICA_REBUILDING;
                    case OFFLINE -> ReplicaMode.REPLICA_OFFLINE;
                })
                .setReason(replica.reason())
                .setLag(replica.lag())
                .setEpoch(Math.max(0, replica.epoch()))
                .setResponseMillis(replica.responseMillis())
                .setReadsSpared(replica.readsSpared());
        if (replica.rebuild() != null) {
            status.setRebuild(progress(replica.rebuild()));
        }
        if (replica.lastRebuild() != null) {
            status.setLastRebuild(progress(replica.lastRebuild()));
        }
        return status.build();
    }

    private static RebuildProgress progress(io.basalt.engine.replication.RebuildProgress rebuild) {
        return RebuildProgress.newBuilder()
                .setTotalBytes(rebuild.totalBytes())
                .setCopiedBytes(rebuild.copiedBytes())
                .setDelta(rebuild.delta())
                .setStartedMillis(rebuild.startedMillis())
                .setFinishedMillis(rebuild.finishedMillis())
                .build();
    }

    /** A replica named {@code name} at {@code address} (HOST:PORT). */
    static ReplicaEndpoint endpoint(String name, String address) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a replica needs a name");
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("replica address '" + address + "' is not HOST:PORT");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("replica address '" + address + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("replica address '" + address + "' has port " + port
                    + " outside 1..65535");
        }
        return new ReplicaEndpoint(name, host, port);
    }
}
