package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.client.ReplicaState;
import java.util.concurrent.CompletableFuture;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a connected replica into the write set as rebuilding: grown to the volume's size first if it
 * is smaller, then taking new writes at once while a rebuild copies the rest. Only the regions
 * written while it was away are copied when it kept its data: same replica, still at the epoch it
 * left at. A replica of a newer epoch than the volume's is refused: another target may write to it.
 */
final class MemberJoiner {

    private static final Logger LOG = LoggerFactory.getLogger(MemberJoiner.class);

    private final WriteSet writeSet;
    private final RegionCopier copier;
    private final ReplicationSettings settings;
    private final Reconnector reconnector;
    private final RebuildPace rebuildPace;

    MemberJoiner(WriteSet writeSet, RegionCopier copier, ReplicationSettings settings, Reconnector reconnector) {
        this.writeSet = writeSet;
        this.copier = copier;
        this.settings = settings;
        this.reconnector = reconnector;
        this.rebuildPace = new RebuildPace(settings.rebuildBytesPerSecond());
    }

    /** Joins {@code member} through {@code client}; completes when it is healthy, or failed. */
    CompletableFuture<Void> join(Member member, ReplicaClient client) {
        return join(member, client, client.state().sizeBytes());
    }

    /** {@code replicaSize}: the replica's size as far as known. */
    private CompletableFuture<Void> join(Member member, ReplicaClient client, long replicaSize) {
        long size;
        long epoch;
        synchronized (writeSet) {
            size = writeSet.size();
            epoch = writeSet.epoch();
        }
        if (replicaSize >= size) {
            return joinSized(member, client, replicaSize);
        }
        return client.resize(size, epoch).handle((grown, failure) -> {
            if (failure == null) {
                return join(member, client, size);
            }
            refuse(member, client, "cannot grow it to the volume's " + size + " bytes: " + Failures.describe(failure));
            return CompletableFuture.<Void>failedFuture(failure);
        }).thenCompose(joined -> joined);
    }

    private CompletableFuture<Void> joinSized(Member member, ReplicaClient client, long replicaSize) {
        ReplicaState state = client.state();
        RoaringBitmap delta;
        synchronized (writeSet) {
            if (member.removed() || member.client() != null) {
                client.closeAsync();
                return CompletableFuture.completedFuture(null);
            }
            if (state.epoch() > writeSet.epoch()) {
                String reason = "replica is at epoch " + state.epoch() + ", newer than the volume's "
                        + writeSet.epoch() + ": another target may be writing to it";
                refuse(member, client, reason);
                return CompletableFuture.failedFuture(new IllegalStateException(reason));
            }
            if (replicaSize < writeSet.size()) {
                // the volume grew since: checked under the lock that a growth sets the size under, a replica
                // attached before it did is grown with the others, and one attached after grows first
                return join(member, client, replicaSize);
            }
            // what it may have lost unflushed is among those regions once it had made a flush durable here
            // (see UnflushedChanges); before that, only its pool can say it lost nothing
            boolean keptData = member.dirtyRegions() != null && state.epoch() == member.leftAtEpoch()
                    && (member.lossBoundedWhenLeft() || !state.unflushedWritesMayBeLost());
            delta = keptData ? member.dirtyRegions().clone() : null;
            if (!keptData) {
                member.forgetDirty();
            }
            member.attach(client, writeSet.unflushed().lastFlush());
            member.persistedEpoch(state.epoch());
            member.become(MemberMode.REBUILDING, keptData
                    ? "copying the " + delta.getLongCardinality() + " region(s) written while it was away"
                    : "copying all data from a healthy replica");
        }
        LOG.info("replica joins the write set to rebuild: {} {} {}", kv("volume", writeSet.volume()),
                kv("replica", member.toString()), kv("delta", delta != null));
        return Rebuild.start(writeSet, copier, settings, rebuildPace, member, client, delta);
    }

    private void refuse(Member member, ReplicaClient client, String reason) {
        synchronized (writeSet) {
            member.become(MemberMode.OFFLINE, reason);
        }
        client.closeAsync();
        reconnector.retry(member);
    }
}
