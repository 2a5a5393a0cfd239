package io.basalt.driver.node;

import io.basalt.driver.exec.CommandException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;

/** Runs one node call and turns every way it can fail into the gRPC status the CSI specification asks for. */
final class NodeCall {

    /** A node call's work; it may block and be interrupted. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws InterruptedException;
    }

    private NodeCall() {
    }

    static <T> void answer(StreamObserver<T> response, Work<T> work) {
        T result;
        try {
            result = work.run();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (CommandException e) {
            response.onError(statusOf(e).withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (KubernetesClientException e) {
            response.onError(Status.UNAVAILABLE.withDescription("Kubernetes API: "
                    + (e.getMessage() != null ? e.getMessage() : String.valueOf(e.getCause())))
                    .asRuntimeException());
            return;
        } catch (UncheckedIOException e) {
            response.onError(Status.INTERNAL.withDescription(e.getMessage() + ": " + e.getCause().getMessage())
                    .asRuntimeException());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(Status.CANCELLED.withDescription("interrupted while waiting").asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    private static Status statusOf(CommandException e) {
        return switch (e.failure()) {
            case TIMED_OUT -> Status.DEADLINE_EXCEEDED;
            case INTERRUPTED -> Status.CANCELLED;
            case NOT_STARTED, EXITED -> Status.INTERNAL;
        };
    }
}
