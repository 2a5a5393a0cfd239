package io.basalt.engine.replica.client;

/** No answer came within the request timeout; whether the request took effect is unknown. */
public final class ReplicaRequestTimeoutException extends ReplicaClientException {

    public ReplicaRequestTimeoutException(String message) {
        super(message, null);
    }
}
