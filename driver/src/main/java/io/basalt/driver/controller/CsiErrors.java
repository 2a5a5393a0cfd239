package io.basalt.driver.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The gRPC errors of the controller, each with a message that tells the caller what to change. */
final class CsiErrors {

    private CsiErrors() {
    }

    static StatusRuntimeException invalidArgument(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException notFound(String message) {
        return Status.NOT_FOUND.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException alreadyExists(String message) {
        return Status.ALREADY_EXISTS.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException outOfRange(String message) {
        return Status.OUT_OF_RANGE.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException failedPrecondition(String message) {
        return Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException();
    }

    static StatusRuntimeException aborted(String message) {
        return Status.ABORTED.withDescription(message).asRuntimeException();
    }

    /** The API server failed us: the call may succeed when retried. */
    static StatusRuntimeException apiServer(String action, KubernetesClientException e) {
        return Status.UNAVAILABLE.withDescription("cannot " + action + ": Kubernetes API answered "
                + e.getCode() + " " + e.getMessage()).withCause(e).asRuntimeException();
    }
}
