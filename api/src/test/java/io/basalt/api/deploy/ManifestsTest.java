package io.basalt.api.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.StoragePoolCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.storage.CSIDriver;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What users apply agrees with the code: names, namespace, permissions, and the examples' shapes. */
class ManifestsTest {

    private static final Path ROOT = Path.of(System.getProperty("basalt.crds.checkedIn")).getParent();

    @Test
    void csiDriverIsCsiBasaltIoWithoutAttach() throws IOException {
        CSIDriver driver = only(load("deploy"), CSIDriver.class);

        assertThat(driver.getMetadata().getName()).isEqualTo("csi.basalt.io");
        assertThat(driver.getSpec().getAttachRequired()).isFalse();
    }

    @Test
    void everyNamespacedObjectLivesInBasaltSystem() throws IOException {
        assertThat(load("deploy")).filteredOn(o -> o instanceof Namespaced)
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo(BasaltResources.NAMESPACE));
    }

    @Test
    void operatorMayWriteEveryBasaltResourceAndItsStatus() throws IOException {
        Role role = load("deploy").stream().filter(Role.class::isInstance).map(Role.class::cast)
                .filter(r -> r.getMetadata().getName().equals("basalt-operator")).findFirst().orElseThrow();
        List<String> granted = role.getRules().stream()
                .filter(rule -> rule.getApiGroups().contains(BasaltResources.GROUP))
                .filter(rule -> rule.getVerbs().containsAll(List.of("update", "patch")))
                .map(PolicyRule::getResources).flatMap(List::stream).toList();

        for (CustomResourceDefinition crd : crds()) {
            String plural = crd.getSpec().getNames().getPlural();
            assertThat(granted).as("operator's Role on " + plural).contains(plural, plural + "/status");
        }
    }

    @Test
    void exampleStorageClassUsesTheDriverAndNamesAPoolCluster() throws IOException {
        StorageClass storageClass = only(load("examples"), StorageClass.class);

        assertThat(storageClass.getProvisioner()).isEqualTo("csi.basalt.io");
        assertThat(storageClass.getParameters()).containsKey("poolCluster");
        assertThat(storageClass.getAllowVolumeExpansion()).isTrue();
    }

    @Test
    void examplePoolClusterReadsAsTheApiClass() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("examples/storagepoolcluster.yaml"))) {
            StoragePoolCluster cluster = Serialization.unmarshal(in, StoragePoolCluster.class);

            assertThat(cluster.getSpec().pools()).hasSize(3)
                    .allSatisfy(pool -> assertThat(pool.hostPath()).startsWith("/"));
        }
    }

    private static List<HasMetadata> load(String folder) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                if (Files.readString(file).contains("apiVersion: " + BasaltResources.API_VERSION)) {
                    continue; // Basalt's own kinds are read through their classes
                }
                try (InputStream in = Files.newInputStream(file)) {
                    Object parsed = Serialization.unmarshal(in);
                    if (parsed instanceof KubernetesList list) {
                        objects.addAll(list.getItems());
                    } else if (parsed instanceof List<?> list) {
                        list.forEach(o -> objects.add((HasMetadata) o));
                    } else if (parsed instanceof HasMetadata object) {
                        objects.add(object);
                    }
                }
            }
        }
        return objects;
    }

    private static List<CustomResourceDefinition> crds() throws IOException {
        List<CustomResourceDefinition> crds = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("crds"))) {
            for (Path file : files.toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    crds.add(Serialization.unmarshal(in, CustomResourceDefinition.class));
                }
            }
        }
        return crds;
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> kind) {
        List<T> matching = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(matching).hasSize(1);
        return matching.getFirst();
    }
}
