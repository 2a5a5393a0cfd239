package io.basalt.driver.node;

import static io.basalt.driver.node.NodeTestbed.CHAP;
import static io.basalt.driver.node.NodeTestbed.NODE;
import static io.basalt.driver.node.NodeTestbed.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.csi.v1.NodeStageVolumeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.driver.exec.CommandException;
import io.basalt.driver.exec.CommandResult;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NodeStageVolume: from a VolumeClaim to a logged-in, formatted, mounted disk at the staging path. */
@EnableKubernetesMockClient(crud = true)
class NodeStageVolumeTest {

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
    void stagingABoundBlankVolumeLogsInWithChapFormatsChecksAndMountsIt() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        String record = FakeNodeHost.key(NodeTestbed.PORTAL, NodeTestbed.iqn("pvc-1"));
        assertThat(testbed.host.sessions()).containsExactly(record);
        assertThat(testbed.host.nodeRecords().get(record)).containsAllEntriesOf(Map.of(
                "node.startup", "manual",
                "node.session.auth.authmethod", "CHAP",
                "node.session.auth.username", CHAP.username(),
                "node.session.auth.password", CHAP.password(),
                "node.session.timeo.replacement_timeout", "120",
                "node.conn[0].timeo.noop_out_interval", "5",
                "node.conn[0].timeo.noop_out_timeout", "5"));
        assertThat(lun.fsType).isEqualTo("ext4");
        FakeNodeHost.Mount staged = testbed.host.mountAt(testbed.stagingPath("pvc-1"));
        assertThat(staged.fsType()).isEqualTo("ext4");
        assertThat(staged.lun()).isSameAs(lun);
        assertThat(testbed.runner.lines()).containsSubsequence(
                "blkid --probe --output export " + staged.source(),
                "mkfs.ext4 -q -F " + staged.source(),
                "e2fsck -p " + staged.source(),
                "mount -t ext4 " + staged.source() + " " + testbed.stagingPath("pvc-1"));
    }

    @Test
    void stagingRecordsThisNodeAsTheConsumerOnTheVolumeClaim() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isEqualTo(NODE);
    }

    @Test
    void chapPasswordNeverAppearsInALoggableCommandLine() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.runner.lines()).noneMatch(line -> line.contains(CHAP.password()))
                .anyMatch(line -> line.endsWith("-n node.session.auth.password -v ******"));
    }

    @Test
    void aVolumeThatAlreadyHoldsAFileSystemIsNotFormattedAgain() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");
        lun.fsType = "ext4";
        lun.fsSizeBytes = lun.sizeBytes;
        lun.usedBytes = 12345678;

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.runner.lines()).noneMatch(line -> line.startsWith("mkfs"));
        assertThat(lun.usedBytes).isEqualTo(12345678);
    }

    @Test
    void xfsIsMadeWhenTheVolumeClaimAsksForIt() {
        testbed.createClaim("pvc-1", FsType.XFS);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(lun.fsType).isEqualTo("xfs");
        assertThat(testbed.runner.lines()).noneMatch(line -> line.startsWith("e2fsck"));
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1")).fsType()).isEqualTo("xfs");
    }

    @Test
    void fsTypeOfTheRequestWinsOverTheVolumeClaimsDefault() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "xfs"));

        assertThat(lun.fsType).isEqualTo("xfs");
    }

    @Test
    void mountFlagsOfTheRequestReachMount() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "ext4", "noatime", "discard"));

        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1")).options()).contains("noatime", "discard");
    }

    @Test
    void aVolumeHoldingAnotherFileSystemIsRefusedNotReformatted() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");
        lun.fsType = "xfs";

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "ext4")));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("holds xfs but ext4 was asked for; refusing to reformat");
        assertThat(lun.fsType).isEqualTo("xfs");
        assertThat(testbed.host.sessions()).as("the failed stage leaves no session").isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void blockVolumeIsOnlyAttachedNeverFormattedOrMounted() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageBlock("pvc-1"));

        assertThat(testbed.host.sessions()).hasSize(1);
        assertThat(lun.fsType).isNull();
        assertThat(testbed.host.mounts()).isEmpty();
        assertThat(StagingRecord.read(testbed.stagingPath("pvc-1"))).hasValueSatisfying(record -> {
            assertThat(record.target()).isEqualTo(testbed.target("pvc-1"));
            assertThat(record.volumeId()).isEqualTo("pvc-1");
        });
    }

    @Test
    void repeatingAStageThatSucceededChangesNothing() {
        testbed.stagedFilesystem("pvc-1", FsType.EXT4);
        testbed.runner.clearCalls();

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.runner.lines()).allMatch(line -> line.startsWith("findmnt"));
        assertThat(testbed.host.sessions()).hasSize(1);
        assertThat(testbed.host.mounts()).hasSize(1);
    }

    @Test
    void repeatingABlockStageReusesTheSession() {
        testbed.stagedBlock("pvc-1");

        testbed.node.nodeStageVolume(testbed.stageBlock("pvc-1"));

        assertThat(testbed.host.sessions()).hasSize(1);
        assertThat(testbed.runner.lines()).filteredOn(line -> line.endsWith("--login")).hasSize(1);
    }

    @Test
    void aPendingVolumeClaimIsWaitedForAndStagedOnceBound() throws Exception {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.setPending("pvc-1", "WaitingForConsumer", "no node has asked for the volume yet");
        Thread operator = Thread.ofVirtual().start(() -> {
            while (testbed.claim("pvc-1").getSpec().nodeName() == null) {
                Thread.onSpinWait();
            }
            testbed.bind("pvc-1");
        });

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        operator.join();
        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1"))).isNotNull();
    }

    @Test
    void aVolumeClaimStillPendingAfterTheWaitIsUnavailableWithItsReason() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.setPending("pvc-1", "NotEnoughPools",
                "needs 3 pools on distinct nodes with 1Gi free; found 2 (pool-a on node-1, pool-b on node-2)");

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).isEqualTo("VolumeClaim basalt-system/pvc-1 is still Pending after "
                + NodeTestbed.BIND_TIMEOUT + ": NotEnoughPools: needs 3 pools on distinct nodes with 1Gi free;"
                + " found 2 (pool-a on node-1, pool-b on node-2)");
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).as("the consumer stays recorded for the operator")
                .isEqualTo(NODE);
        assertThat(testbed.host.sessions()).isEmpty();
    }

    @Test
    void aVolumeClaimWithoutConditionsSaysTheOperatorHasNotLookedYet() {
        testbed.createClaim("pvc-1", FsType.EXT4);

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).endsWith("no Ready condition yet (the operator has not looked at it)");
    }

    @Test
    void aFailedVolumeClaimIsAFailedPreconditionWithItsReason() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.setFailed("pvc-1", "PoolClusterMissing", "StoragePoolCluster pools does not exist");

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).isEqualTo("VolumeClaim basalt-system/pvc-1 failed: PoolClusterMissing:"
                + " StoragePoolCluster pools does not exist");
    }

    @Test
    void aVolumeAttachedToAnotherNodeIsAFailedPreconditionNamingThatNode() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.setConsumer("pvc-1", "node-7");

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status.getDescription()).contains("volume pvc-1 is attached to node node-7");
        assertThat(testbed.claim("pvc-1").getSpec().nodeName()).isEqualTo("node-7");
        assertThat(testbed.runner.calls()).isEmpty();
    }

    @Test
    void aVolumeWithoutVolumeClaimIsNotFound() {
        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-404", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).contains("no VolumeClaim basalt-system/pvc-404");
    }

    @Test
    void missingArgumentsAreInvalid() {
        NodeStageVolumeRequest valid = testbed.stageMount("pvc-1", "");

        assertThat(failureOf(() -> testbed.node.nodeStageVolume(valid.toBuilder().clearVolumeId().build())))
                .satisfies(status -> assertInvalid(status, "volume_id is required"));
        assertThat(failureOf(() -> testbed.node.nodeStageVolume(valid.toBuilder().clearStagingTargetPath().build())))
                .satisfies(status -> assertInvalid(status, "staging_target_path is required"));
        assertThat(failureOf(() -> testbed.node.nodeStageVolume(valid.toBuilder().clearVolumeCapability().build())))
                .satisfies(status -> assertInvalid(status, "volume_capability is required"));
    }

    @Test
    void unsupportedCapabilitiesAreInvalid() {
        NodeStageVolumeRequest valid = testbed.stageMount("pvc-1", "");
        VolumeCapability multiNode = valid.getVolumeCapability().toBuilder()
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.MULTI_NODE_MULTI_WRITER)).build();

        assertThat(failureOf(() -> testbed.node.nodeStageVolume(valid.toBuilder()
                .setVolumeCapability(multiNode).build())))
                .satisfies(status -> assertInvalid(status, "access mode MULTI_NODE_MULTI_WRITER is not supported"));
        assertThat(failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "btrfs"))))
                .satisfies(status -> assertInvalid(status, "fs_type btrfs is not supported; use ext4 or xfs"));
        assertThat(failureOf(() -> testbed.node.nodeStageVolume(valid.toBuilder()
                .setStagingTargetPath("relative/path").build())))
                .satisfies(status -> assertInvalid(status, "staging_target_path must be an absolute path"));
    }

    @Test
    void unreachableTargetIsUnavailableAndLeavesNoNodeRecord() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("iscsiadm -m node .* --login", CommandResult.exit(8,
                "iscsiadm: initiator reported error (8 - connection timed out)\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("cannot log in to " + testbed.target("pvc-1"))
                .contains("exited with status 8: iscsiadm: initiator reported error (8 - connection timed out)");
        assertThat(testbed.host.nodeRecords()).isEmpty();
        assertThat(StagingRecord.read(testbed.stagingPath("pvc-1"))).isEmpty();
    }

    @Test
    void wrongChapCredentialsFailTheLoginAndLeaveNothingBehind() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.host.serve(NodeTestbed.PORTAL, NodeTestbed.iqn("pvc-1"),
                new ChapCredentials("basalt-node", "another-secret-99"), NodeTestbed.GIB);

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("authorization failure").doesNotContain(CHAP.password());
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void failureToCreateTheNodeRecordIsInternalWithTheCommandAndItsOutput() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("iscsiadm -m node .* -o new", CommandResult.exit(6,
                "iscsiadm: Could not open /etc/iscsi/nodes: Permission denied\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).isEqualTo("`iscsiadm -m node -T " + NodeTestbed.iqn("pvc-1") + " -p "
                + NodeTestbed.PORTAL + " -o new` exited with status 6: iscsiadm: Could not open /etc/iscsi/nodes:"
                + " Permission denied");
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void failureToSetThePasswordNeverShowsIt() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("iscsiadm -m node .* -n node.session.auth.password -v .*", CommandResult.exit(7,
                "iscsiadm: cannot set value " + CHAP.password() + "\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).doesNotContain(CHAP.password())
                .contains("-n node.session.auth.password -v ******` exited with status 7: iscsiadm: cannot set value"
                        + " ******");
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void aDiskThatNeverAppearsIsUnavailableAndTheSessionIsLoggedOut() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("iscsiadm -m node .* --login", CommandResult.ok("Login successful.\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("ip-10.0.2.2:3260-iscsi-iqn.2026-11.io.basalt:pvc-1-lun-0"
                + " did not appear within");
        assertThat(testbed.runner.lines()).anyMatch(line -> line.endsWith("--logout"));
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void failedBlkidFailsTheStageAndLogsOut() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("blkid .*", CommandResult.exit(4, "blkid: error: /dev/sdb: Input/output error\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("exited with status 4: blkid: error: /dev/sdb: Input/output error");
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void failedMkfsFailsTheStageAndLogsOut() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        FakeNodeHost.Lun lun = testbed.bind("pvc-1");
        testbed.runner.once("mkfs\\.ext4 .*", CommandResult.exit(1, "mkfs.ext4: Device size reported to be zero.\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("mkfs.ext4 -q -F ").contains("Device size reported to be zero.");
        assertThat(lun.fsType).isNull();
        assertThat(testbed.host.sessions()).isEmpty();
    }

    @Test
    void fsckThatCannotRepairFailsTheStageWithoutMounting() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("e2fsck -p .*", CommandResult.exit(4,
                "/dev/sdb: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.");
        assertThat(testbed.host.mounts()).isEmpty();
        assertThat(testbed.host.sessions()).isEmpty();
    }

    @Test
    void fsckThatRepairedErrorsLetsTheStageGoOn() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("e2fsck -p .*", CommandResult.exit(1, "/dev/sdb: 11/65536 files, FILE SYSTEM WAS MODIFIED\n"));

        testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", ""));

        assertThat(testbed.host.mountAt(testbed.stagingPath("pvc-1"))).isNotNull();
    }

    @Test
    void failedMountFailsTheStageAndLogsOut() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("mount -t .*", CommandResult.exit(32, "mount: /staging: can't read superblock on /dev/sdb.\n"));

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription()).contains("exited with status 32: mount: /staging: can't read superblock");
        assertThat(testbed.host.sessions()).isEmpty();
        assertThat(testbed.host.nodeRecords()).isEmpty();
    }

    @Test
    void aHangingCommandIsKilledAndReportedAsDeadlineExceeded() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        testbed.runner.once("mkfs\\.ext4 .*", command -> {
            throw CommandException.timedOut(command, "", "");
        });

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(status.getDescription()).contains("did not finish within PT10M and was killed");
        assertThat(testbed.host.sessions()).isEmpty();
    }

    @Test
    void aMissingChapSecretIsUnavailableNamingIt() {
        testbed.createClaim("pvc-1", FsType.EXT4);
        testbed.bind("pvc-1");
        kubernetes.secrets().inNamespace(NodeTestbed.NAMESPACE).withName("pvc-1-chap").delete();

        Status status = failureOf(() -> testbed.node.nodeStageVolume(testbed.stageMount("pvc-1", "")));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).contains("CHAP Secret basalt-system/pvc-1-chap, which does not exist");
        assertThat(testbed.runner.lines()).noneMatch(line -> line.startsWith("iscsiadm"));
    }

    private static void assertInvalid(Status status, String message) {
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains(message);
    }
}
