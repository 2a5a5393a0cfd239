package io.basalt.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON the driver writes is the JSON the operator reads: field names and values are the contract. */
class ResourceJsonContractTest {

    @Test
    void volumeClaimSerializesWithDesignFieldNamesAndEnumSpellings() {
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName("pvc-1").withNamespace(BasaltResources.NAMESPACE).build());
        claim.setSpec(new VolumeClaimSpec(10L << 30, "fast", 3, VolumeMode.FILESYSTEM, FsType.XFS,
                new VolumeSource("snap-1", null), "node-1"));

        String json = Serialization.asJson(claim);

        assertThat(json)
                .contains("\"apiVersion\":\"basalt.io/v1alpha1\"", "\"kind\":\"VolumeClaim\"")
                .contains("\"capacityBytes\":10737418240", "\"poolCluster\":\"fast\"", "\"replicaCount\":3")
                .contains("\"volumeMode\":\"Filesystem\"", "\"fsType\":\"xfs\"")
                .contains("\"source\":{\"snapshot\":\"snap-1\"}", "\"nodeName\":\"node-1\"");
    }

    @Test
    void volumeClaimStatusRoundTripsThroughJson() {
        VolumeClaim claim = new VolumeClaim();
        claim.setStatus(new VolumeClaimStatus(4L,
                List.of(new ConditionBuilder().withType("Ready").withStatus("True").withReason("Bound").build()),
                VolumePhase.BOUND, 1L << 30, "10.0.0.5:3260", "iqn.2026-01.io.basalt:pvc-1", "pvc-1-chap", "pvc-1"));

        VolumeClaim read = Serialization.unmarshal(Serialization.asJson(claim), VolumeClaim.class);

        assertThat(read.getStatus()).isEqualTo(claim.getStatus());
    }

    @Test
    void unsetOptionalFieldsAreLeftOutRatherThanWrittenAsNull() {
        VolumeClaim claim = new VolumeClaim();
        claim.setSpec(new VolumeClaimSpec(1L, "fast", null, null, null, null, null));

        String json = Serialization.asJson(claim);

        assertThat(json).doesNotContain("null").doesNotContain("nodeName").doesNotContain("source");
    }

    @Test
    void unsetReplicaCountMeansTheDefaultOfThree() {
        VolumeClaimSpec spec = new VolumeClaimSpec(1L, "fast", null, null, null, null, null);

        assertThat(spec.effectiveReplicaCount()).isEqualTo(3);
    }
}
