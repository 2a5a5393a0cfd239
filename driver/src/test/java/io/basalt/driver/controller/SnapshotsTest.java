package io.basalt.driver.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.api.v1alpha1.BlockSnapshot;
import io.basalt.api.v1alpha1.BlockSnapshotStatus;
import io.basalt.csi.v1.CreateSnapshotRequest;
import io.basalt.csi.v1.DeleteSnapshotRequest;
import io.basalt.csi.v1.ListSnapshotsRequest;
import io.basalt.csi.v1.ListSnapshotsResponse;
import io.basalt.csi.v1.Snapshot;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CreateSnapshot, DeleteSnapshot and ListSnapshots. */
class SnapshotsTest extends ControllerFixture {

    @BeforeEach
    void givenAVolume() {
        controller.createVolume(createRequest("pvc-1").build());
    }

    @Test
    void createWritesABlockSnapshotThatIsNotReadyYet() {
        Snapshot snapshot = controller.createSnapshot(snapshotRequest("snap-1", "pvc-1")).getSnapshot();

        assertThat(snapshot.getSnapshotId()).isEqualTo("snap-1");
        assertThat(snapshot.getSourceVolumeId()).isEqualTo("pvc-1");
        assertThat(snapshot.getReadyToUse()).isFalse();
        assertThat(snapshot.getSizeBytes()).isEqualTo(GIB);
        assertThat(cluster.snapshot("snap-1").orElseThrow().getSpec().sourceVolume()).isEqualTo("pvc-1");
    }

    @Test
    void repeatedCreateReportsReadinessAsTheResourceSays() {
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));
        markReady("snap-1", "2026-11-21T10:00:00Z");

        Snapshot snapshot = controller.createSnapshot(snapshotRequest("snap-1", "pvc-1")).getSnapshot();

        assertThat(snapshot.getReadyToUse()).isTrue();
        assertThat(snapshot.getCreationTime().getSeconds())
                .isEqualTo(Instant.parse("2026-11-21T10:00:00Z").getEpochSecond());
        assertThat(cluster.list(BlockSnapshot.class)).hasSize(1);
    }

    @Test
    void sameNameForAnotherVolumeIsAlreadyExists() {
        controller.createVolume(createRequest("pvc-2").build());
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));

        assertFailsWith(Status.Code.ALREADY_EXISTS, "already exists for volume pvc-1",
                () -> controller.createSnapshot(snapshotRequest("snap-1", "pvc-2")));
    }

    @Test
    void snapshotOfAMissingVolumeIsNotFound() {
        assertFailsWith(Status.Code.NOT_FOUND, "volume pvc-9 does not exist",
                () -> controller.createSnapshot(snapshotRequest("snap-1", "pvc-9")));
    }

    @Test
    void createWithoutNameOrSourceIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "name is required",
                () -> controller.createSnapshot(snapshotRequest("", "pvc-1")));
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "source_volume_id is required",
                () -> controller.createSnapshot(snapshotRequest("snap-1", "")));
    }

    @Test
    void snapshotParametersAreInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "snapshot parameters [tier] are not supported",
                () -> controller.createSnapshot(snapshotRequest("snap-1", "pvc-1").toBuilder()
                        .putParameters("tier", "cold").build()));
    }

    @Test
    void failedSnapshotIsReportedWithTheOperatorsReason() {
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));
        BlockSnapshot snapshot = cluster.snapshot("snap-1").orElseThrow();
        snapshot.setStatus(new BlockSnapshotStatus(1L, null, false, null, null,
                "only 1 of 3 replicas healthy; a snapshot needs 2"));
        kubernetes.resource(snapshot).updateStatus();

        assertFailsWith(Status.Code.FAILED_PRECONDITION, "only 1 of 3 replicas healthy",
                () -> controller.createSnapshot(snapshotRequest("snap-1", "pvc-1")));
    }

    @Test
    void deleteRemovesTheSnapshotAndIsIdempotent() {
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));

        controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("snap-1").build());
        controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("snap-1").build());

        assertThat(cluster.snapshot("snap-1")).isEmpty();
    }

    @Test
    void deleteWithoutIdIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "snapshot_id is required",
                () -> controller.deleteSnapshot(DeleteSnapshotRequest.getDefaultInstance()));
    }

    @Test
    void listPagesThroughAllSnapshotsWithTokens() {
        for (int i = 1; i <= 5; i++) {
            controller.createSnapshot(snapshotRequest("snap-" + i, "pvc-1"));
        }

        ListSnapshotsResponse first = controller.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(2).build());
        ListSnapshotsResponse second = controller.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(2)
                .setStartingToken(first.getNextToken()).build());
        ListSnapshotsResponse last = controller.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(2)
                .setStartingToken(second.getNextToken()).build());

        assertThat(ids(first)).containsExactly("snap-1", "snap-2");
        assertThat(ids(second)).containsExactly("snap-3", "snap-4");
        assertThat(ids(last)).containsExactly("snap-5");
        assertThat(last.getNextToken()).isEmpty();
    }

    @Test
    void listFiltersBySourceVolume() {
        controller.createVolume(createRequest("pvc-2").build());
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));
        controller.createSnapshot(snapshotRequest("snap-2", "pvc-2"));

        ListSnapshotsResponse response = controller.listSnapshots(ListSnapshotsRequest.newBuilder()
                .setSourceVolumeId("pvc-2").build());

        assertThat(ids(response)).containsExactly("snap-2");
    }

    @Test
    void listBySnapshotIdFindsOneOrNone() {
        controller.createSnapshot(snapshotRequest("snap-1", "pvc-1"));

        assertThat(ids(controller.listSnapshots(ListSnapshotsRequest.newBuilder().setSnapshotId("snap-1").build())))
                .containsExactly("snap-1");
        assertThat(ids(controller.listSnapshots(ListSnapshotsRequest.newBuilder().setSnapshotId("snap-9").build())))
                .isEmpty();
    }

    @Test
    void listWithATokenNotIssuedByUsIsAborted() {
        assertFailsWith(Status.Code.ABORTED, "was not issued by this plugin",
                () -> controller.listSnapshots(ListSnapshotsRequest.newBuilder().setStartingToken("%%%").build()));
    }

    @Test
    void listWithNegativeMaxEntriesIsInvalid() {
        assertFailsWith(Status.Code.INVALID_ARGUMENT, "max_entries must not be negative",
                () -> controller.listSnapshots(ListSnapshotsRequest.newBuilder().setMaxEntries(-1).build()));
    }

    @Test
    void createWhileTheSameSnapshotIsBeingCreatedIsAborted() {
        try (var busy = inFlight.claim("snapshot/snap-1")) {
            assertFailsWith(Status.Code.ABORTED, "already in progress",
                    () -> controller.createSnapshot(snapshotRequest("snap-1", "pvc-1")));
        }
    }

    @Test
    void deleteWhileTheSnapshotIsBeingCreatedIsAborted() {
        try (var busy = inFlight.claim("snapshot/snap-1")) {
            assertFailsWith(Status.Code.ABORTED, "already in progress",
                    () -> controller.deleteSnapshot(DeleteSnapshotRequest.newBuilder().setSnapshotId("snap-1").build()));
        }
    }

    static CreateSnapshotRequest snapshotRequest(String name, String source) {
        return CreateSnapshotRequest.newBuilder().setName(name).setSourceVolumeId(source).build();
    }

    private void markReady(String name, String creationTime) {
        BlockSnapshot snapshot = cluster.snapshot(name).orElseThrow();
        snapshot.setStatus(new BlockSnapshotStatus(1L, null, true, creationTime, GIB, null));
        kubernetes.resource(snapshot).updateStatus();
    }

    private static List<String> ids(ListSnapshotsResponse response) {
        return response.getEntriesList().stream().map(e -> e.getSnapshot().getSnapshotId()).toList();
    }
}
