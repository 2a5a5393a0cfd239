package io.basalt.operator;

import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/** A test's own writes to the cluster, made beside the operator's updates of the same objects. */
public final class ClusterWrites {

    private ClusterWrites() {
    }

    /** Creates {@code spc}, or gives the one there its spec, as an apply would. */
    public static void apply(KubernetesClient client, StoragePoolCluster spc) {
        againOnConflict(() -> {
            StoragePoolCluster current = client.resource(spc).get();
            if (current == null) {
                client.resource(spc).create();
            } else {
                current.setSpec(spc.getSpec());
                client.resource(current).update();
            }
        });
    }

    /** Runs a read-modify-write again while the operator's own update of the object gets in between (409). */
    public static void againOnConflict(Runnable readModifyWrite) {
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptionsMatching(e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    readModifyWrite.run();
                    return true;
                });
    }
}
