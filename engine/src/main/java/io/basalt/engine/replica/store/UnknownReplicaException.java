package io.basalt.engine.replica.store;

/** No replica of that name in the pool. */
public final class UnknownReplicaException extends ReplicaStoreException {

    public UnknownReplicaException(String replica) {
        super("no replica named '" + replica + "'");
    }
}
