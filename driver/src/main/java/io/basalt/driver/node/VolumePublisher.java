package io.basalt.driver.node;

import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** NodePublishVolume and NodeUnpublishVolume: a staged volume made visible to (and hidden from) a pod. */
public final class VolumePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(VolumePublisher.class);

    private final Mounter mounter;
    private final DeviceLinks devices;

    public VolumePublisher(Mounter mounter, DeviceLinks devices) {
        this.mounter = mounter;
        this.devices = devices;
    }

    public void publish(String volumeId, Path stagingPath, Path targetPath, VolumeAccess access, boolean readOnly) {
        Optional<MountPoint> published = mounter.find(targetPath);
        if (published.isPresent()) {
            if (published.get().readOnly() != readOnly) {
                throw Status.ALREADY_EXISTS.withDescription("volume " + volumeId + " is already published at "
                        + targetPath + (readOnly ? " read-write" : " read-only") + "; unpublish it first")
                        .asRuntimeException();
            }
            return;
        }
        Path source = switch (access) {
            case VolumeAccess.Mount mount -> stagedFilesystem(volumeId, stagingPath);
            case VolumeAccess.Block block -> stagedDevice(volumeId, stagingPath);
        };
        try {
            if (access instanceof VolumeAccess.Block) {
                Files.createDirectories(targetPath.getParent());
                if (!Files.exists(targetPath)) {
                    Files.createFile(targetPath);
                }
            } else {
                Files.createDirectories(targetPath);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + targetPath, e);
        }
        mounter.bindMount(source, targetPath, readOnly);
        LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("targetPath", targetPath.toString())
                .addKeyValue("readOnly", readOnly).log("published {}", volumeId);
    }

    public void unpublish(String volumeId, Path targetPath) {
        mounter.unmountAll(targetPath);
        try {
            Files.deleteIfExists(targetPath);
        } catch (DirectoryNotEmptyException e) {
            throw Status.FAILED_PRECONDITION.withDescription(targetPath + " is not mounted but holds files;"
                    + " leaving it for a human to look at").asRuntimeException();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + targetPath, e);
        }
        LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("targetPath", targetPath.toString())
                .log("unpublished {}", volumeId);
    }

    private Path stagedFilesystem(String volumeId, Path stagingPath) {
        if (!mounter.isMountPoint(stagingPath)) {
            throw notStaged(volumeId, stagingPath);
        }
        return stagingPath;
    }

    private Path stagedDevice(String volumeId, Path stagingPath) {
        StagingRecord record = StagingRecord.read(stagingPath).orElseThrow(() -> notStaged(volumeId, stagingPath));
        return devices.find(record.target()).orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription(
                "volume " + volumeId + " is staged at " + stagingPath + " but the disk of " + record.target()
                        + " is gone; unstage and stage it again").asRuntimeException());
    }

    private static RuntimeException notStaged(String volumeId, Path stagingPath) {
        return Status.FAILED_PRECONDITION.withDescription("volume " + volumeId + " is not staged at " + stagingPath
                + "; NodeStageVolume must succeed first").asRuntimeException();
    }
}
