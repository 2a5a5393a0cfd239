package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.NodeStageVolumeResponse;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One operation per volume at a time: a second call while the first runs is ABORTED, other volumes go on. */
@EnableKubernetesMockClient(crud = true)
class NodeConcurrencyTest {

    KubernetesClient kubernetes;

    @TempDir
    Path dir;

    private NodeTestbed testbed;
    private final CountDownLatch mkfsStarted = new CountDownLatch(1);
    private final CountDownLatch mkfsMayFinish = new CountDownLatch(1);

    @BeforeEach
    void startNode() {
        testbed = new NodeTestbed(kubernetes, dir);
    }

    @AfterEach
    void stopNode() throws InterruptedException {
        mkfsMayFinish.countDown();
        testbed.close();
    }

    @Test
    void aSecondCallForAVolumeWhoseStageIsRunningIsAborted() throws Exception {
        CompletableFuture<NodeStageVolumeResponse> first = stageWithSlowMkfs("pvc-1");

        Status publish = failureOf(() -> testbed.node.nodePublishVolume(testbed.publishMount("pvc-1", false)));
        Status unstage = failureOf(() -> testbed.node.nodeUnstageVolume(testbed.unstage("pvc-1")));
        Status stage = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(publish.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(unstage.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(stage.getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(stage.getDescription()).isEqualTo("an operation on pvc-1 is already in progress; retry later");
        mkfsMayFinish.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1"))).as("the first call was not disturbed")
                .isNotNull();
    }

    @Test
    void anotherVolumeIsStagedWhileOneIsBusy() throws Exception {
        CompletableFuture<NodeStageVolumeResponse> first = stageWithSlowMkfs("pvc-1");

        testbed.stagedBlock("pvc-2");

        assertThat(testbed.host.sessions()).hasSize(2);
        mkfsMayFinish.countDown();
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theVolumeIsFreeAgainOnceTheCallEnded() throws Exception {
        CompletableFuture<NodeStageVolumeResponse> first = stageWithSlowMkfs("pvc-1");
        mkfsMayFinish.countDown();
        first.get(10, TimeUnit.SECONDS);

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1"))).isNotNull();
    }

    private CompletableFuture<NodeStageVolumeResponse> stageWithSlowMkfs(String volumeId) throws InterruptedException {
        testbed.createClaim(volumeId, FsType.EXT4);
        testbed.bind(volumeId);
        FakeNodeHost.Lun lun = testbed.host.lun(NodeTestbed.iqn(volumeId));
        testbed.runner.once("mkfs\\.ext4 .*", command -> {
            mkfsStarted.countDown();
            try {
                mkfsMayFinish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lun.fsType = "ext4";
            lun.fsSizeBytes = lun.sizeBytes;
            return CommandResult.ok("");
        });
        CompletableFuture<NodeStageVolumeResponse> call = CompletableFuture.supplyAsync(
                () -> testbed.node.nodeStageVolume(testbed.stageMount(volumeId, "")));
        assertThat(mkfsStarted.await(10, TimeUnit.SECONDS)).as("the stage reached mkfs").isTrue();
        return call;
    }
}
