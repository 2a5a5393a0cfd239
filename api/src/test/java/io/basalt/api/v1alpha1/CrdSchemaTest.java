package io.basalt.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The checked-in CRDs say what DESIGN.md promises: names, scope, status, columns and bounds. */
class CrdSchemaTest {

    private static final Path CRDS = Path.of(System.getProperty("basalt.crds.checkedIn"));

    @ParameterizedTest(name = "{0} is namespaced in basalt.io/v1alpha1 with short name {1} and a status subresource")
    @CsvSource({
        "StoragePoolCluster, spc", "StoragePool, sp", "VolumeClaim, vc",
        "VolumeTarget, vt", "VolumeReplica, vr", "BlockSnapshot, bsnap"})
    void eachKindIsNamespacedWithShortNameAndStatusSubresource(String kind, String shortName) throws IOException {
        CustomResourceDefinition crd = crd(kind);

        assertThat(crd.getSpec().getGroup()).isEqualTo("basalt.io");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly(shortName);
        assertThat(version(crd).getName()).isEqualTo("v1alpha1");
        assertThat(version(crd).getSubresources().getStatus()).isNotNull();
    }

    @ParameterizedTest(name = "{0} status has observedGeneration and conditions")
    @CsvSource({"StoragePoolCluster", "StoragePool", "VolumeClaim", "VolumeTarget", "VolumeReplica", "BlockSnapshot"})
    void everyStatusHasObservedGenerationAndStandardConditions(String kind) throws IOException {
        JSONSchemaProps status = property(crd(kind), "status");

        assertThat(status.getProperties().get("observedGeneration").getType()).isEqualTo("integer");
        JSONSchemaProps condition = status.getProperties().get("conditions").getItems().getSchema();
        assertThat(condition.getProperties())
                .containsKeys("type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
    }

    @ParameterizedTest(name = "{0} shows {1} in kubectl get")
    @CsvSource({
        "StoragePoolCluster, 'Pools,Online,Capacity,Free,Ready,Age'",
        "StoragePool, 'Cluster,Node,Phase,Capacity,Used,Free,Replicas,Reason,Age'",
        "VolumeClaim, 'Phase,Capacity,Replicas,Pools,Node,Reason,Age'",
        "VolumeTarget, 'Volume,Phase,Healthy,RF,CF,Capacity,Reason,Age'",
        "VolumeReplica, 'Volume,Pool,Phase,Capacity,Used,Rebuild%,Reason,Age'",
        "BlockSnapshot, 'Source,Ready,Size,Taken,Age'"})
    void printerColumnsTellTheStoryAtAGlance(String kind, String columns) throws IOException {
        List<String> shownByDefault = version(crd(kind)).getAdditionalPrinterColumns().stream()
                .filter(c -> c.getPriority() == null || c.getPriority() == 0)
                .map(CustomResourceColumnDefinition::getName)
                .toList();

        assertThat(shownByDefault).containsExactlyInAnyOrder(columns.split(","));
    }

    @ParameterizedTest(name = "{0} adds {1} in kubectl get -o wide")
    @CsvSource({
        "StoragePool, 'Since'",
        "VolumeClaim, 'Requested,Portal,Source'",
        "VolumeTarget, 'Portal,Node,Epoch'",
        "BlockSnapshot, 'Reason,Deleting,Error'"})
    void widePrinterColumnsAddTheDetails(String kind, String columns) throws IOException {
        List<String> wide = version(crd(kind)).getAdditionalPrinterColumns().stream()
                .filter(c -> c.getPriority() != null && c.getPriority() > 0)
                .map(CustomResourceColumnDefinition::getName)
                .toList();

        assertThat(wide).containsExactlyInAnyOrder(columns.split(","));
    }

    @Test
    void volumeClaimReplicaCountIsBoundedOneToFiveAndDefaultsToThree() throws IOException {
        JSONSchemaProps replicaCount = property(crd("VolumeClaim"), "spec").getProperties().get("replicaCount");

        assertThat(replicaCount.getMinimum()).isEqualTo(1.0);
        assertThat(replicaCount.getMaximum()).isEqualTo(5.0);
        assertThat(replicaCount.getDefault().asInt()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}.spec.capacityBytes is a required positive integer of bytes")
    @CsvSource({"VolumeClaim", "VolumeTarget", "VolumeReplica"})
    void capacityIsARequiredPositiveIntegerOfBytes(String kind) throws IOException {
        JSONSchemaProps spec = property(crd(kind), "spec");
        JSONSchemaProps capacity = spec.getProperties().get("capacityBytes");

        assertThat(capacity.getType()).isEqualTo("integer");
        assertThat(capacity.getMinimum()).isEqualTo(1.0);
        assertThat(spec.getRequired()).contains("capacityBytes");
    }

    @Test
    void volumeClaimCapacityCanOnlyGrow() throws IOException {
        JSONSchemaProps spec = property(crd("VolumeClaim"), "spec");

        assertThat(spec.getXKubernetesValidations())
                .anySatisfy(rule -> assertThat(rule.getRule()).isEqualTo("self.capacityBytes >= oldSelf.capacityBytes"));
    }

    @Test
    void volumeClaimFsTypeIsExt4OrXfs() throws IOException {
        JSONSchemaProps fsType = property(crd("VolumeClaim"), "spec").getProperties().get("fsType");

        assertThat(fsType.getEnum()).extracting(n -> n.asText()).containsExactlyInAnyOrder("ext4", "xfs");
        assertThat(fsType.getDefault().asText()).isEqualTo("ext4");
    }

    @Test
    void volumeReplicaPhasesAreTheSixDesignStates() throws IOException {
        JSONSchemaProps phase = property(crd("VolumeReplica"), "status").getProperties().get("phase");

        assertThat(phase.getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("Init", "Healthy", "Degraded", "Rebuilding", "Offline", "Error");
    }

    @Test
    void storagePoolClusterNeedsAtLeastOnePoolWithNodeAndAbsolutePath() throws IOException {
        JSONSchemaProps pools = property(crd("StoragePoolCluster"), "spec").getProperties().get("pools");
        JSONSchemaProps pool = pools.getItems().getSchema();

        assertThat(pools.getMinItems()).isEqualTo(1L);
        assertThat(pool.getRequired()).containsExactlyInAnyOrder("name", "nodeName", "hostPath");
        assertThat(pool.getProperties().get("hostPath").getPattern()).isEqualTo("^/.*");
    }

    private static CustomResourceDefinition crd(String kind) throws IOException {
        try (var files = Files.list(CRDS)) {
            for (Path file : files.toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
                    if (crd.getSpec().getNames().getKind().equals(kind)) {
                        return crd;
                    }
                }
            }
        }
        throw new AssertionError("no CRD for " + kind + " in " + CRDS);
    }

    private static CustomResourceDefinitionVersion version(CustomResourceDefinition crd) {
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        return crd.getSpec().getVersions().getFirst();
    }

    private static JSONSchemaProps property(CustomResourceDefinition crd, String name) {
        return version(crd).getSchema().getOpenAPIV3Schema().getProperties().get(name);
    }
}
