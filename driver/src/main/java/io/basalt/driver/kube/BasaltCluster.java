package io.basalt.driver.kube;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeTarget;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The Basalt resources of one namespace, as the driver reads and writes them. */
public final class BasaltCluster {

    private final KubernetesClient client;
    private final String namespace;

    public BasaltCluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    public <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
        return Optional.ofNullable(resources(kind).withName(name).get());
    }

    /** Every resource of {@code kind}, ordered by name so that pages are stable. */
    public <T extends HasMetadata> List<T> list(Class<T> kind) {
        return resources(kind).list().getItems().stream()
                .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                .toList();
    }

    public <T extends HasMetadata> T create(T resource) {
        return client.resource(resource).inNamespace(namespace).create();
    }

    /**
     * Creates {@code resource}, unless one of its name exists already (a concurrent retry got there
     * first); then the existing one is handed to {@code adopt}, which returns it or throws.
     */
    @SuppressWarnings("unchecked")
    public <T extends HasMetadata> T createOrAdopt(T resource, UnaryOperator<T> adopt) {
        try {
            return create(resource);
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            return find((Class<T>) resource.getClass(), resource.getMetadata().getName()).map(adopt).orElseThrow(() -> e);
        }
    }

    /** Replaces {@code resource}; fails with 409 when someone changed it since it was read. */
    public <T extends HasMetadata> T update(T resource) {
        return client.resource(resource).inNamespace(namespace).update();
    }

    public <T extends HasMetadata> boolean delete(Class<T> kind, String name) {
        return !resources(kind).withName(name).delete().isEmpty();
    }

    public Optional<VolumeClaim> volumeClaim(String name) {
        return find(VolumeClaim.class, name);
    }

    public Optional<BlockSnapshot> snapshot(String name) {
        return find(BlockSnapshot.class, name);
    }

    public Optional<VolumeTarget> volumeTarget(String name) {
        return find(VolumeTarget.class, name);
    }

    public List<StoragePool> storagePools() {
        return list(StoragePool.class);
    }

    private <T extends HasMetadata> NonNamespaceOperation<T, KubernetesResourceList<T>, Resource<T>> resources(
            Class<T> kind) {
        return client.resources(kind).inNamespace(namespace);
    }
}
