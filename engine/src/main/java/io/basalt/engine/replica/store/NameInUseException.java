package io.basalt.engine.replica.store;

/** A replica or snapshot name that is already taken. */
public final class NameInUseException extends ReplicaStoreException {

    public NameInUseException(String what, String name) {
        super(what + " '" + name + "' already exists");
    }
}
