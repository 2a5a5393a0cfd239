package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.NodePublishVolumeRequest;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodePublishVolume and NodeUnpublishVolume: the staged volume bind-mounted into a pod and out again. */
@EnableKubernetesMockClient(crud = true)
class NodePublishVolumeTest {

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
    void publishingAFilesystemBindMountsTheStagingPathOntoTheTarget() {
        FakeNodeHost.Lun lun = testbed.stagedFilesystem("pvc-1", FsType.EXT4);

        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        FakeNodeHost.Mount published = testbed.host.mountAt(testbed.targetPath("pvc-1"));
        assertThat(published.lun()).isSameAs(lun);
        assertThat(published.readOnly()).isFalse();
        assertThat(testbed.targetPath("pvc-1")).isDirectory();
        assertThat(testbed.runner.lines()).contains("mount --bind " + testbed.stagingPath("pvc-1") + " "
                + testbed.targetPath("pvc-1"));
    }

    @Test
    void readOnlyPublishRemountsTheBindMountReadOnly() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);

        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", true));

        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1")).readOnly()).isTrue();
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1")).readOnly())
                .as("the staging mount stays writable for other publications").isFalse();
        assertThat(testbed.runner.lines()).contains("mount -o remount,bind,ro " + testbed.targetPath("pvc-1"));
    }

    @Test
    void aFailedReadOnlyRemountLeavesNothingMountedAtTheTarget() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.once("mount -o remount,bind,ro .*", CommandResult.exit(32, "mount: permission denied\n"));

        Status status = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", true)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("mount -o remount,bind,ro").contains("permission denied");
        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1"))).as("never a writable mount where ro was asked")
                .isNull();
    }

    @Test
    void aFailedBindMountIsInternalWithTheCommandsOutput() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.once("mount --bind .*", CommandResult.exit(32, "mount: bad things happened\n"));

        Status status = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false)));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("exited with status 32: mount: bad things happened");
        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1"))).isNull();
    }

    @Test
    void repeatingAPublishChangesNothing() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
        testbed.runner.clearCalls();

        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        assertThat(testbed.runner.lines()).allMatch(line -> line.startsWith("findmnt"));
        assertThat(testbed.host.mounts()).hasSize(2);
    }

    @Test
    void publishingAgainWithAnotherReadOnlyFlagIsAlreadyExists() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        Status status = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", true)));

        assertThat(status.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(status.getDescription()).contains("already published at " + testbed.targetPath("pvc-1")
                + " read-write");
    }

    @Test
    void publishingAnUnstagedVolumeIsAFailedPrecondition() {
        Status status = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false)));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("volume pvc-1 is not staged at " + testbed.stagingPath("pvc-1"));
    }

    @Test
    void publishingABlockVolumeBindMountsTheDeviceOntoAFileAtTheTarget() {
        FakeNodeHost.Lun lun = testbed.stagedBlock("pvc-1");

        testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false));

        assertThat(testbed.targetPath("pvc-1")).isRegularFile();
        FakeNodeHost.Mount published = testbed.host.mountAt(testbed.targetPath("pvc-1"));
        assertThat(published.lun()).isSameAs(lun);
        assertThat(testbed.runner.lines()).anyMatch(line -> line.matches(
                "mount --bind .*/dev/sd[a-z] " + testbed.targetPath("pvc-1")));
    }

    @Test
    void publishingABlockVolumeThatWasNeverStagedIsAFailedPrecondition() {
        Status status = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false)));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("is not staged");
    }

    @Test
    void missingArgumentsAreInvalid() {
        NodePublishVolumeRequest valid = testbed.publishMount("pvc-1", false);

        Status noTarget = failureOf(() -> testbed.node.nodePublishVolume(valid.toBuilder().clearTargetPath().build()));
        Status noStaging = failureOf(() -> testbed.node.nodePublishVolume(
                valid.toBuilder().clearStagingTargetPath().build()));
        Status noCapability = failureOf(() -> testbed.node.nodePublishVolume(
                valid.toBuilder().clearVolumeCapability().build()));

        assertThat(noTarget.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noTarget.getDescription()).isEqualTo("target_path is required");
        assertThat(noStaging.getDescription()).isEqualTo("staging_target_path is required");
        assertThat(noCapability.getDescription()).isEqualTo("volume_capability is required");
    }

    @Test
    void unpublishingUnmountsAndRemovesTheTarget() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));

        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1"))).isNull();
        assertThat(testbed.targetPath("pvc-1")).doesNotExist();
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1"))).as("staging stays").isNotNull();
    }

    @Test
    void unpublishingABlockVolumeRemovesTheDeviceFile() {
        testbed.stagedBlock("pvc-1");
        testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false));

        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));

        assertThat(testbed.host.mounts()).isEmpty();
        assertThat(testbed.targetPath("pvc-1")).doesNotExist();
        assertThat(testbed.host.sessions()).as("still staged").hasSize(1);
    }

    @Test
    void unpublishingWhatIsAlreadyGoneSucceeds() {
        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));

        assertThat(testbed.targetPath("pvc-1")).doesNotExist();
    }

    @Test
    void repeatingAnUnpublishSucceeds() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));

        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));

        assertThat(testbed.targetPath("pvc-1")).doesNotExist();
    }

    @Test
    void aFailedUnmountKeepsTheTargetAndReportsTheCommand() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
        testbed.runner.once("umount .*", CommandResult.exit(32, "umount: target is busy.\n"));

        Status status = failureOf(() -> testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("`umount " + testbed.targetPath("pvc-1")
                + "` exited with status 32: umount: target is busy.");
        assertThat(testbed.targetPath("pvc-1")).isDirectory();
        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1"))).isNotNull();
    }

    @Test
    void anUnmountedTargetHoldingFilesIsLeftAloneAsAFailedPrecondition() throws Exception {
        Files.createDirectories(testbed.targetPath("pvc-1"));
        Files.writeString(testbed.targetPath("pvc-1").resolve("data"), "written while unmounted");

        Status status = failureOf(() -> testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1")));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(testbed.targetPath("pvc-1").resolve("data")).exists();
    }
}
