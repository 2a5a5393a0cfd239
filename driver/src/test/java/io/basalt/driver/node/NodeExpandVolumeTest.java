package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.GIB;
import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.NodeExpandVolumeRequest;
import io.basalt.csi.v1.NodeExpandVolumeResponse;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeExpandVolume: rescan the session, wait for the grown LUN, grow the file system. */
@EnableKubernetesMockClient(crud = true)
class NodeExpandVolumeTest {

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
    void expandingRescansTheSessionAndGrowsExt4WithResize2fs() {
        FakeNodeHost.Lun lun = publishedFilesystem(FsType.EXT4);
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * GIB);

        NodeExpandVolumeResponse response = testbed.node.nodeExpandVolume(expand(2 * GIB));

        assertThat(response.getCapacityBytes()).isEqualTo(2 * GIB);
        assertThat(lun.fsSizeBytes).isEqualTo(2 * GIB);
        assertThat(testbed.runner.lines()).containsSubsequence("iscsiadm -m session --rescan")
                .anyMatch(line -> line.matches("resize2fs .*/dev/sd[a-z]"));
    }

    @Test
    void expandingXfsUsesXfsGrowfsOnTheMountPoint() {
        FakeNodeHost.Lun lun = publishedFilesystem(FsType.XFS);
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 3 * GIB);

        testbed.node.nodeExpandVolume(expand(3 * GIB));

        assertThat(lun.fsSizeBytes).isEqualTo(3 * GIB);
        assertThat(testbed.runner.lines()).contains("xfs_growfs " + testbed.targetPath("pvc-1"));
    }

    @Test
    void expandingARawBlockVolumeOnlyRescans() {
        testbed.stagedBlock("pvc-1");
        testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false));
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * GIB);

        NodeExpandVolumeResponse response = testbed.node.nodeExpandVolume(expand(2 * GIB));

        assertThat(response.getCapacityBytes()).isEqualTo(2 * GIB);
        assertThat(testbed.runner.lines()).noneMatch(line -> line.startsWith("resize2fs") || line.startsWith("xfs"));
    }

    @Test
    void aLunThatDoesNotGrowInTimeIsUnavailableAndTheFileSystemIsLeftAlone() {
        FakeNodeHost.Lun lun = publishedFilesystem(FsType.EXT4);

        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("is still " + GIB + " bytes after a rescan")
                .contains(2 * GIB + " were asked for");
        assertThat(lun.fsSizeBytes).isEqualTo(GIB);
    }

    @Test
    void repeatingAnExpansionIsHarmless() {
        publishedFilesystem(FsType.EXT4);
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * GIB);
        testbed.node.nodeExpandVolume(expand(2 * GIB));

        NodeExpandVolumeResponse again = testbed.node.nodeExpandVolume(expand(2 * GIB));

        assertThat(again.getCapacityBytes()).isEqualTo(2 * GIB);
    }

    @Test
    void aFailedRescanIsInternalWithTheCommand() {
        publishedFilesystem(FsType.EXT4);
        testbed.runner.once("iscsiadm -m session --rescan", CommandResult.exit(21, "iscsiadm: No session found.\n"));

        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("`iscsiadm -m session --rescan` exited with status 21:"
                + " iscsiadm: No session found.");
    }

    @Test
    void aFailedResize2fsIsInternalWithItsOutput() {
        publishedFilesystem(FsType.EXT4);
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * GIB);
        testbed.runner.once("resize2fs .*", CommandResult.exit(1, "resize2fs: Permission denied to resize\n"));

        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("resize2fs: Permission denied to resize");
    }

    @Test
    void aFailedBlockdevIsInternalWithItsOutput() {
        publishedFilesystem(FsType.EXT4);
        testbed.runner.once("blockdev --getsize64 .*", CommandResult.exit(1, "blockdev: cannot open: I/O error\n"));

        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("blockdev: cannot open: I/O error");
    }

    @Test
    void aFailedXfsGrowfsIsInternalWithItsOutput() {
        publishedFilesystem(FsType.XFS);
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * GIB);
        testbed.runner.once("xfs_growfs .*", CommandResult.exit(1, "xfs_growfs: XFS_IOC_FSGROWFSDATA failed\n"));

        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("XFS_IOC_FSGROWFSDATA failed");
    }

    @Test
    void expandingAVolumeThatIsNotPublishedThereIsNotFound() {
        Status status = failureOf(() -> testbed.node.nodeExpandVolume(expand(2 * GIB)));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).contains("volume pvc-1 is not published at");
    }

    @Test
    void invalidRequestsAreInvalid() {
        Status noPath = failureOf(() -> testbed.node.nodeExpandVolume(expand(GIB).toBuilder().clearVolumePath().build()));
        Status badRange = failureOf(() -> testbed.node.nodeExpandVolume(expand(GIB).toBuilder()
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * GIB).setLimitBytes(GIB)).build()));

        assertThat(noPath.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noPath.getDescription()).isEqualTo("volume_path is required");
        assertThat(badRange.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(badRange.getDescription()).contains("do not make a range");
    }

    private FakeNodeHost.Lun publishedFilesystem(FsType fsType) {
        FakeNodeHost.Lun lun = testbed.stagedFilesystem("pvc-1", fsType);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
        return lun;
    }

    private NodeExpandVolumeRequest expand(long requiredBytes) {
        return NodeExpandVolumeRequest.newBuilder()
                .setVolumeId("pvc-1")
                .setVolumePath(testbed.targetPath("pvc-1").toString())
                .setStagingTargetPath(testbed.stagingPath("pvc-1").toString())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(requiredBytes))
                .build();
    }
}
