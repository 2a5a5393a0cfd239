package io.basalt.operator.engine;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractBlockingStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** One engine process's management stub: every call gets the deadline and fails as an {@link EngineCallException}. */
final class EngineEndpoint<S extends AbstractBlockingStub<S>> {

    private final String address;
    private final S stub;
    private final Duration deadline;

    EngineEndpoint(String address, S stub, Duration deadline) {
        this.address = address;
        this.stub = stub;
        this.deadline = deadline;
    }

    String address() {
        return address;
    }

    <T> T call(String name, Function<S, T> call) {
        try {
            return call.apply(stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            throw new EngineCallException(address, name, e);
        }
    }
}
