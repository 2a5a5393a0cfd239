package io.basalt.engine.replica.client;

/** A request to a replica did not succeed; the subclass says why. */
public abstract sealed class ReplicaClientException extends RuntimeException
        permits ReplicaRequestFailedException, ReplicaConnectionLostException, ReplicaRequestTimeoutException {

    protected ReplicaClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
