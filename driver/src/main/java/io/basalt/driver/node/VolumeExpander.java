package io.basalt.driver.node;

import io.basalt.api.v1alpha1.FsType;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** NodeExpandVolume: makes this node see the grown LUN and grows the file system on it. */
public final class VolumeExpander {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeExpander.class);

    private final Iscsiadm iscsiadm;
    private final BlockDevices blockDevices;
    private final Filesystems filesystems;
    private final Mounter mounter;
    private final Duration deviceTimeout;

    public VolumeExpander(Iscsiadm iscsiadm, BlockDevices blockDevices, Filesystems filesystems, Mounter mounter,
                          Duration deviceTimeout) {
        this.iscsiadm = iscsiadm;
        this.blockDevices = blockDevices;
        this.filesystems = filesystems;
        this.mounter = mounter;
        this.deviceTimeout = deviceTimeout;
    }

    /** Returns the volume's size once this node sees at least {@code requiredBytes}. */
    public long expand(String volumeId, Path volumePath, long requiredBytes) throws InterruptedException {
        if (!Files.exists(volumePath)) {
            throw Status.NOT_FOUND.withDescription("volume " + volumeId + " is not published at " + volumePath)
                    .asRuntimeException();
        }
        iscsiadm.rescanSessions();
        if (!Files.isDirectory(volumePath)) {
            // Raw block: the device node bind-mounted at the path shows the new size; nothing to grow.
            return blockDevices.awaitSize(volumePath, requiredBytes, deviceTimeout);
        }
        MountPoint mount = mounter.find(volumePath).orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription(
                "nothing is mounted at " + volumePath + " for volume " + volumeId).asRuntimeException());
        Path device = Path.of(mount.device());
        FsType fsType = Arrays.stream(FsType.values())
                .filter(type -> VolumeStager.fsTypeName(type).equals(mount.fsType()))
                .findFirst()
                .orElseThrow(() -> Status.FAILED_PRECONDITION.withDescription("volume " + volumeId + " holds "
                        + mount.fsType() + ", which this driver cannot grow").asRuntimeException());
        long size = blockDevices.awaitSize(device, requiredBytes, deviceTimeout);
        filesystems.grow(device, volumePath, fsType);
        LOG.atInfo().addKeyValue("volume", volumeId).addKeyValue("bytes", size)
                .log("grew the {} file system of {} to {} bytes", mount.fsType(), volumeId, size);
        return size;
    }
}
