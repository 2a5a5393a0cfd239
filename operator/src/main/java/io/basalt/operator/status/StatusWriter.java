package io.basalt.operator.status;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Writes a resource's status as a patch computed from the resource as the API server has it now.
 * The operator SDK's own status patch (without server-side apply) is a JSON Patch computed from the
 * copy the reconciler started with, and that copy may predate the reconciler's previous status write
 * when the spec changed in between (an informer event that overtook the write): list indices in such a
 * patch then point at the wrong condition or replica, or past the end of the list.
 */
public final class StatusWriter {

    private StatusWriter() {
    }

    /** Writes {@code status} to {@code resource}'s status on the server; the reconcile then changes nothing else. */
    @SuppressWarnings("unchecked")
    public static <S, R extends CustomResource<?, S>> UpdateControl<R> write(KubernetesClient client, R resource,
                                                                            S status) {
        client.resources((Class<R>) resource.getClass()).inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName()).editStatus(current -> {
                    current.setStatus(status);
                    return current;
                });
        resource.setStatus(status);
        return UpdateControl.noUpdate();
    }
}
