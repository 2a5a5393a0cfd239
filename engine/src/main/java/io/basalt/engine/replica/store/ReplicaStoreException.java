package io.basalt.engine.replica.store;

import java.io.IOException;

/** A replica store operation that cannot be carried out; the message says which and why. */
public class ReplicaStoreException extends IOException {

    public ReplicaStoreException(String message) {
        super(message);
    }
}
