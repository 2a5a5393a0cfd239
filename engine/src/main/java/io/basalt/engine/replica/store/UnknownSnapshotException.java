package io.basalt.engine.replica.store;

/** The replica has no snapshot of that name. */
public final class UnknownSnapshotException extends ReplicaStoreException {

    public UnknownSnapshotException(String replica, String snapshot) {
        super("replica '" + replica + "' has no snapshot named '" + snapshot + "'");
    }
}
