package io.basalt.engine.replica.client;

import io.basalt.engine.replica.protocol.ErrorCode;

/** The pool answered the request with an error. */
public final class ReplicaRequestFailedException extends ReplicaClientException {

    private final ErrorCode code;

    public ReplicaRequestFailedException(ErrorCode code, String message) {
        super(code + ": " + message, null);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
