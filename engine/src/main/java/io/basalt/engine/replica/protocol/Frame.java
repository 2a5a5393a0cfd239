package io.basalt.engine.replica.protocol;

/** One message on the wire; a response carries the id of its request. */
public record Frame(long requestId, Message message) {
}
