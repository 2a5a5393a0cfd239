package io.basalt.driver.controller;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.csi.v1.VolumeCapability.AccessMode.Mode;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What volume capabilities Basalt offers: a volume is attached to one node at a time (its iSCSI
 * session), as a file system or as a raw block device.
 */
final class Capabilities {

    private static final Set<Mode> SUPPORTED_MODES = EnumSet.of(Mode.SINGLE_NODE_WRITER,
            Mode.SINGLE_NODE_READER_ONLY, Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);

    private Capabilities() {
    }

    /**
     * The mode and file system that {@code capabilities} ask for.
     *
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming what is not supported
     */
    static Requested of(List<VolumeCapability> capabilities) {
        if (capabilities.isEmpty()) {
            throw CsiErrors.invalidArgument("volume_capabilities is required");
        }
        VolumeMode mode = null;
        Set<FsType> named = EnumSet.noneOf(FsType.class);
        for (VolumeCapability capability : capabilities) {
            String problem = problemWith(capability);
            if (problem != null) {
                throw CsiErrors.invalidArgument(problem);
            }
            VolumeMode capabilityMode = capability.hasBlock() ? VolumeMode.BLOCK : VolumeMode.FILESYSTEM;
            if (mode != null && mode != capabilityMode) {
                throw CsiErrors.invalidArgument("a volume is either a file system or a raw block device, not both");
            }
            mode = capabilityMode;
            if (capability.hasMount() && !capability.getMount().getFsType().isBlank()) {
                named.add(FileSystems.parse(capability.getMount().getFsType()));
            }
        }
        if (named.size() > 1) {
            throw CsiErrors.invalidArgument("the capabilities ask for two file systems: " + named);
        }
        FsType fsType = named.isEmpty() ? null : named.iterator().next();
        return new Requested(mode, fsType);
    }

    /** Why Basalt cannot offer {@code capability}, or null when it can. */
    static String problemWith(VolumeCapability capability) {
        if (!capability.hasBlock() && !capability.hasMount()) {
            return "a volume capability must say block or mount";
        }
        if (!capability.hasAccessMode() || capability.getAccessMode().getMode() == Mode.UNKNOWN) {
            return "a volume capability needs an access mode";
        }
        Mode mode = capability.getAccessMode().getMode();
        if (!SUPPORTED_MODES.contains(mode)) {
            return "access mode " + mode + " is not supported: a Basalt volume is attached to one node at a time";
        }
        if (capability.hasMount()) {
            String fsType = capability.getMount().getFsType();
            if (FileSystems.find(fsType).isEmpty()) {
                return FileSystems.unsupported(fsType);
            }
        }
        return null;
    }

    /**
     * @param volumeMode file system or raw block
     * @param fsType the file system asked for, or null when no capability names one
     */
    record Requested(VolumeMode volumeMode, FsType fsType) {
    }
}
