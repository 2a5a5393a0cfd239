package io.basalt.driver.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.csi.v1.CapacityRange;
import io.basalt.csi.v1.NodeExpandVolumeRequest;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver restarts between any two calls (a DaemonSet rollout, a crash): the new process knows
 * only what the system and the API server tell it, and carries on.
 */
@EnableKubernetesMockClient(crud = true)
class NodeRestartTest {

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
    void aFileSystemStagedBeforeTheRestartIsPublishedAfterIt() throws Exception {
        FakeNodeHost.Lun lun = testbed.stagedFilesystem("pvc-1", FsType.EXT4);

        testbed.restartDriver();
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1")).lun()).isSameAs(lun);
    }

    @Test
    void aBlockVolumeStagedBeforeTheRestartIsPublishedAfterIt() throws Exception {
        FakeNodeHost.Lun lun = testbed.stagedBlock("pvc-1");

        testbed.restartDriver();
        testbed.node.nodePublishVolume(testbed.publishBlock("pvc-1", false));

        assertThat(testbed.host.mountAt(testbed.targetPath("pvc-1")).lun()).isSameAs(lun);
    }

    @Test
    void aStageRepeatedAfterTheRestartFindsTheMountAndDoesNothingMore() throws Exception {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);

        testbed.restartDriver();
        testbed.runner.clearCalls();
        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.runner.lines()).allMatch(line -> line.startsWith("findmnt"));
        assertThat(testbed.host.sessions()).hasSize(1);
    }

    @Test
    void unstagingAfterTheRestartLogsOutOfTheSessionTheOldProcessMade() throws Exception {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));

        testbed.restartDriver();
        testbed.node.nodeUnpublishVolume(testbed.unpublish("pvc-1"));
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.mounts()).isEmpty();
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void unstagingABlockVolumeAfterTheRestartLogsOut() throws Exception {
        testbed.stagedBlock("pvc-1");

        testbed.restartDriver();
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void aStageKilledAfterLoginIsFinishedByTheNextProcess() throws Exception {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");
        testbed.setConsumer("pvc-1", NodeTestbed.NODE);
        // What a process killed right after login leaves: its staging record, node record and session.
        Files.createDirectories(testbed.stagingPath("pvc-1"));
        new StagingRecord("pvc-1", testbed.target("pvc-1"), VolumeMode.FILESYSTEM).write(testbed.stagingPath("pvc-1"));
        new IscsiAttacher(new Iscsiadm(testbed.runner),
                new DeviceLinks(testbed.host.byPathDirectory(), Duration.ofMillis(10)), Duration.ofSeconds(1))
                .attach(testbed.target("pvc-1"), Optional.of(NodeTestbed.CHAP));

        testbed.restartDriver();
        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.host.sessions()).hasSize(1);
        assertThat(testbed.runner.lines()).filteredOn(line -> line.endsWith("--login")).hasSize(1);
        assertThat(lun.fsType).isEqualTo("ext4");
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1")).lun()).isSameAs(lun);
    }

    @Test
    void anUnstageThatFailedAfterTheUnmountIsFinishedByTheNextProcess() throws Exception {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.once("iscsiadm -m node .* --logout", CommandResult.exit(9, "iscsiadm: killed\n"));
        try {
            testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));
        } catch (RuntimeException expected) {
            // the kubelet sees the call fail and will retry
        }
        assertThat(testbed.host.mounts()).isEmpty();

        testbed.restartDriver();
        testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1"));

        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isNull();
    }

    @Test
    void anExpansionAfterTheRestartFindsTheDeviceFromTheMountTable() throws Exception {
        FakeNodeHost.Lun lun = testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false));
        testbed.host.grow(NodeTestbed.iqn("pvc-1"), 2 * NodeTestbed.GIB);

        testbed.restartDriver();
        testbed.node.nodeExpandVolume(NodeExpandVolumeRequest.newBuilder()
                .setVolumeId("pvc-1")
                .setVolumePath(testbed.targetPath("pvc-1").toString())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(2 * NodeTestbed.GIB))
                .build());

        assertThat(lun.fsSizeBytes).isEqualTo(2 * NodeTestbed.GIB);
    }
}
