package io.basalt.sandbox;

/** The sandbox could not start, or its tour found something wrong; the message says what. */
public final class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
