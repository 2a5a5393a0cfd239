package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.GIB;
import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.NodeGetVolumeStatsRequest;
import io.basalt.csi.v1.NodeGetVolumeStatsResponse;
import io.basalt.csi.v1.VolumeUsage;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeGetVolumeStats: the numbers df shows, and an abnormal condition when the volume misbehaves. */
@EnableKubernetesMockClient(crud = true)
class NodeGetVolumeStatsTest {

    KubernetesClient kubernetes;

    @TempDir
    Path dir;

    private NodeTestbed testbed;

    @BeforeEach
    void startNode() {
        testbed = new NodeTestbed(kubernetes, dir);
    }

    @AfterEach
    void stopNode() throws InterruptedException {
        testbed.close();
    }

    @Test
    void aMountedFileSystemReportsBytesAndInodesAsStatfsCountsThem() {
        publishedFilesystem();
        testbed.runner.once("stat --file-system .*", CommandResult.ok("4096 262144 200000 186893 65536 65000\n"));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getUsageList()).containsExactly(
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.BYTES)
                        .setTotal(262144L * 4096).setUsed((262144L - 200000) * 4096).setAvailable(186893L * 4096)
                        .build(),
                VolumeUsage.newBuilder().setUnit(VolumeUsage.Unit.INODES)
                        .setTotal(65536).setUsed(536).setAvailable(65000)
                        .build());
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();
    }

    @Test
    void aFileSystemThatWentReadOnlyIsAbnormal() {
        publishedFilesystem();
        testbed.host.remountReadOnlyAfterErrors(testbed.stagingPath("pvc-1"));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).contains("went read-only");
    }

    @Test
    void aReadOnlyPublicationAskedForIsNormal() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", true));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();
    }

    @Test
    void aVanishedMountIsAbnormal() {
        publishedFilesystem();
        testbed.host.unmountBehindTheDriversBack(testbed.targetPath("pvc-1"));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).contains("nothing is mounted at "
                + testbed.targetPath("pvc-1"));
        assertThat(stats.getUsageList()).as("no numbers of whatever lies underneath").isEmpty();
    }

    @Test
    void aVanishedStagingMountIsAbnormal() {
        publishedFilesystem();
        testbed.host.unmountBehindTheDriversBack(testbed.stagingPath("pvc-1"));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getVolumeCondition().getAbnormal()).isTrue();
        assertThat(stats.getVolumeCondition().getMessage()).contains("the staging mount at");
    }

    @Test
    void aRawBlockVolumeReportsItsSize() {
        testbed.stagedBlock("pvc-1");
        testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false));

        NodeGetVolumeStatsResponse stats = testbed.node.nodeGetVolumeStats(stats());

        assertThat(stats.getUsageList()).containsExactly(VolumeUsage.newBuilder()
                .setUnit(VolumeUsage.Unit.BYTES).setTotal(GIB).build());
        assertThat(stats.getVolumeCondition().getAbnormal()).isFalse();
    }

    @Test
    void aPathThatDoesNotExistIsNotFound() {
        Status status = failureOf(() -> testbed.node.nodeGetVolumeStats(stats()));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).contains("volume pvc-1 is not published at");
    }

    @Test
    void aFailedStatIsInternalWithItsOutput() {
        publishedFilesystem();
        testbed.runner.once("stat --file-system .*", CommandResult.exit(1, "stat: cannot read: I/O error\n"));

        Status status = failureOf(() -> testbed.node.nodeGetVolumeStats(stats()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("stat: cannot read: I/O error");
    }

    @Test
    void aFailedFindmntIsInternalWithItsOutput() {
        publishedFilesystem();
        testbed.runner.once("findmnt .*", CommandResult.exit(2, "findmnt: cannot parse /proc/self/mountinfo\n"));

        Status status = failureOf(() -> testbed.node.nodeGetVolumeStats(stats()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("findmnt: cannot parse /proc/self/mountinfo");
    }

    @Test
    void missingArgumentsAreInvalid() {
        Status noVolume = failureOf(() -> testbed.node.nodeGetVolumeStats(stats().toBuilder().clearVolumeId().build()));
        Status noPath = failureOf(() -> testbed.node.nodeGetVolumeStats(stats().toBuilder().clearVolumePath().build()));

        assertThat(noVolume.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noPath.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noPath.getDescription()).isEqualTo("volume_path is required");
    }

    private void publishedFilesystem() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
    }

    private NodeGetVolumeStatsRequest stats() {
        return NodeGetVolumeStatsRequest.newBuilder()
                .setVolumeId("pvc-1")
                .setVolumePath(testbed.targetPath("pvc-1").toString())
                .setStagingTargetPath(testbed.stagingPath("pvc-1").toString())
                .build();
    }
}
