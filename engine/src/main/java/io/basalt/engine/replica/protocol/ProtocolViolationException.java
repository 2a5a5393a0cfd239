package io.basalt.engine.replica.protocol;

/** The peer sent something the protocol does not allow; the connection cannot continue. */
public final class ProtocolViolationException extends RuntimeException {

    public ProtocolViolationException(String message) {
        super(message);
    }
}
