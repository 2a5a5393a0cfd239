package io.basalt.engine.replica.server;

import io.basalt.engine.replica.store.EpochQuorum;
import io.basalt.engine.replica.store.Replica;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Makes "check the writer's epoch, then change the replica" atomic against epoch changes, across
 * every connection to a replica: once a newer epoch is persisted no write of an older one lands.
 */
final class EpochGate {

    /** A replica change made under the gate. */
    interface Change {
        void apply() throws IOException;
    }

    private final Map<String, ReadWriteLock> locks = new ConcurrentHashMap<>();

    /** Applies {@code change} unless {@code epoch} is older than the replica's; false if refused. */
    boolean underEpoch(Replica replica, long epoch, Change change) throws IOException {
        var lock = lock(replica).readLock();
        lock.lock();
        try {
            if (epoch < replica.epoch()) {
                return false;
            }
            change.apply();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Persists {@code epoch} after the changes under way finish; false if it is older than the replica's. */
    boolean advance(Replica replica, long epoch, EpochQuorum quorum) throws IOException {
        var lock = lock(replica).writeLock();
        lock.lock();
        try {
            if (epoch < replica.epoch()) {
                return false;
            }
            replica.setEpoch(epoch, quorum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private ReadWriteLock lock(Replica replica) {
        return locks.computeIfAbsent(replica.name(), name -> new ReentrantReadWriteLock());
    }
}
