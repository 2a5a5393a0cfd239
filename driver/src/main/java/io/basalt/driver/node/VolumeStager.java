package io.basalt.driver.node;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeMode;
import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NodeStageVolume and NodeUnstageVolume: from a VolumeClaim to a logged-in disk with a checked,
 * mounted file system at the staging path (or just the disk, for raw block), and back.
 */
public final class VolumeStager {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeStager.class);

    private final NodeSettings settings;
    private final VolumeClaims claims;
    private final IscsiAttacher attacher;
    private final Filesystems filesystems;
    private final Mounter mounter;

    public VolumeStager(NodeSettings settings, VolumeClaims claims, IscsiAttacher attacher, Filesystems filesystems,
                        Mounter mounter) {
        this.settings = settings;
        this.claims = claims;
        this.attacher = attacher;
        this.filesystems = filesystems;
        this.mounter = mounter;
    }

    public void stage(String volumeId, Path stagingPath, VolumeAccess access) throws InterruptedException {
        VolumeClaimSpec spec = claims.recordConsumer(volumeId, settings.nodeId());
        if (access instanceof VolumeAccess.Mount && mounter.isMountPoint(stagingPath)) {
            return; // staged before, perhaps by an earlier driver process
        }
        VolumeClaims.Bound bound = claims.awaitBound(volumeId, settings.bindTimeout());
        Optional<ChapCredentials> chap = bound.chapSecretName()
                .map(secret -> claims.chapCredentials(volumeId, secret));
        createDirectories(stagingPath);
        VolumeMode mode = access instanceof VolumeAccess.Block ? VolumeMode.BLOCK : VolumeMode.FILESYSTEM;
        new StagingRecord(volumeId, bound.target(), mode).write(stagingPath);
        try {
            Path device = attacher.attach(bound.target(), chap);
            if (access instanceof VolumeAccess.Mount mount) {
                FsType fsType = mount.fsType().orElse(spec.fsType() == null ? FsType.EXT4 : spec.fsType());
                mountFilesystem(volumeId, device, stagingPath, fsType, mount);
            }
        } catch (RuntimeException | InterruptedException e) {
            undoAttach(stagingPath, bound.target(), e);
            throw e;
        }
        LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("stagingPath", stagingPath.toString())
                .log("staged {}", volumeId);
    }

    public void unstage(String volumeId, Path stagingPath) {
        mounter.unmountAll(stagingPath);
        Optional<StagingRecord> record = StagingRecord.read(stagingPath);
        if (record.isPresent()) {
            attacher.detach(record.get().target());
            StagingRecord.delete(stagingPath);
        }
        claims.releaseConsumer(volumeId, settings.nodeId());
        LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("stagingPath", stagingPath.toString())
                .log("unstaged {}", volumeId);
    }

    private void mountFilesystem(String volumeId, Path device, Path stagingPath, FsType wanted,
                                 VolumeAccess.Mount mount) {
        Filesystems.Content content = filesystems.probe(device);
        if (content.blank()) {
            LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("device", device.toString())
                    .log("formatting blank {} with {}", volumeId, fsTypeName(wanted));
            filesystems.format(device, wanted);
        } else if (content.fsType().isEmpty()) {
            throw Status.FAILED_PRECONDITION.withDescription("volume " + volumeId + " (" + device
                    + ") holds a " + content.partitionTable().orElseThrow()
                    + " partition table and no file system; refusing to format it").asRuntimeException();
        } else if (!content.fsType().get().equals(fsTypeName(wanted))) {
            throw Status.FAILED_PRECONDITION.withDescription("volume " + volumeId + " (" + device + ") holds "
                    + content.fsType().get() + " but " + fsTypeName(wanted) + " was asked for; refusing to reformat it")
                    .asRuntimeException();
        }
        filesystems.check(device, wanted);
        mounter.mount(device, stagingPath, fsTypeName(wanted), mount.flags());
    }

    /** Leaves nothing of a failed stage behind: no session, no node record, no staging record. */
    private void undoAttach(Path stagingPath, IscsiTarget target, Exception failure) {
        try {
            attacher.detach(target);
            StagingRecord.delete(stagingPath);
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
            LOG.atWarn().addKeyValue("iqn", target.iqn())
                    .log("could not undo the attach of {} after a failed stage: {}", target, cleanup.getMessage());
        }
    }

    static String fsTypeName(FsType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static void createDirectories(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }
}
