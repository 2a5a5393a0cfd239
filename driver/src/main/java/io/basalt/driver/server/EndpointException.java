package io.basalt.driver.server;

/** The driver cannot serve on the endpoint it was given; the message says why and what to do. */
public class EndpointException extends RuntimeException {

    public EndpointException(String message) {
        super(message);
    }

    public EndpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
