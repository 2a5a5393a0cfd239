package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.NODE;
import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeUnstageVolume: unmount, log out, forget the node record, and let the volume go to another node. */
@EnableKubernetesMockClient(crud = true)
class NodeUnstageVolumeTest {

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
    void unstagingUnmountsLogsOutDeletesTheNodeRecordAndClearsTheConsumer() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.mounts()).isEmpty();
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.stagingPath("pvc-1").resolve(StagingRecord.FILE_NAME)).doesNotExist();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void unstagingABlockVolumeLogsOutAndClearsTheConsumer() {
        testbed.stagedBlock("pvc-1");

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void repeatingAnUnstageSucceeds() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.runner.lines()).filteredOn(line -> line.endsWith("--logout")).hasSize(1);
    }

    @Test
    void unstagingANeverStagedVolumeSucceeds() {
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-404"));

        assertThat(testbed.runner.lines()).allMatch(line -> line.startsWith("findmnt"));
    }

    @Test
    void theConsumerIsClearedOnlyWhenItIsThisNode() {
        testbed.stagedBlock("pvc-1");
        testbed.setConsumer("pvc-1", "node-7");

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isEqualTo("node-7");
    }

    @Test
    void afterUnstagingAnotherNodeMayStageTheVolume() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isEqualTo(NODE);

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).as("free for the next consumer").isNull();
    }

    @Test
    void aFailedUnmountKeepsTheSessionAndTheConsumer() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.once("umount .*", CommandResult.exit(32, "umount: target is busy.\n"));

        Status status = failureOf(() -> testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("target is busy");
        assertThat(testbed.host.sessions()).hasSize(1);
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isEqualTo(NODE);
    }

    @Test
    void aFailedLogoutIsReportedAndARetryFinishesTheJob() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.once("iscsiadm -m node .* --logout", CommandResult.exit(9, "iscsiadm: internal error\n"));

        Status status = failureOf(() -> testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1")));
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("--logout` exited with status 9: iscsiadm: internal error");
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void aFailedNodeRecordDeletionIsReportedAndARetryFinishesTheJob() {
        testbed.stagedBlock("pvc-1");
        testbed.runner.once("iscsiadm -m node .* -o delete", CommandResult.exit(6, "iscsiadm: Could not remove\n"));

        Status status = failureOf(() -> testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1")));
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void unstagingAVolumeWhoseClaimWasDeletedStillCleansUpTheNode() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        kubernetes.resource(testbed.claim("pvc-1")).delete();

        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void missingArgumentsAreInvalid() {
        Status noVolume = failureOf(() -> testbed.node.nodeUnstageVolume(
                testbed.unstage("pvc-1").toBuilder().clearVolumeId().build()));
        Status noPath = failureOf(() -> testbed.node.nodeUnstageVolume(
                testbed.unstage("pvc-1").toBuilder().clearStagingTargetPath().build()));

        assertThat(noVolume.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noVolume.getDescription()).isEqualTo("volume_id is required");
        assertThat(noPath.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(noPath.getDescription()).isEqualTo("staging_target_path is required");
    }
}
