package io.basalt.operator.engine;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** A management call to an engine process that failed, with where it went and what the engine said. */
public final class EngineCallException extends RuntimeException {

    private final String address;
    private final String call;
    private final Status.Code code;

    EngineCallException(String address, String call, StatusRuntimeException cause) {
        super(call + " at " + address + " failed: " + cause.getStatus().getCode()
                + (cause.getStatus().getDescription() == null ? "" : " (" + cause.getStatus().getDescription() + ")"),
                cause);
        this.address = address;
        this.call = call;
        this.code = cause.getStatus().getCode();
    }

    public String address() {
        return address;
    }

    public String call() {
        return call;
    }

    public Status.Code code() {
        return code;
    }

    /** Whether the engine could not be reached at all, rather than refusing the call. */
    public boolean unreachable() {
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }
}
