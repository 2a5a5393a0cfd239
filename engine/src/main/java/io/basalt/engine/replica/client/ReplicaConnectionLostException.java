package io.basalt.engine.replica.client;

/** The connection closed before the request was answered; whether it took effect is unknown. */
public final class ReplicaConnectionLostException extends ReplicaClientException {

    public ReplicaConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }
}
