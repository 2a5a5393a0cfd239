package io.basalt.driver.node;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the node service behaves on this node.
 *
 * @param nodeId this node's name as Kubernetes knows it
 * @param maxVolumesPerNode how many Basalt volumes the scheduler may place here
 * @param bindTimeout how long NodeStageVolume waits for a VolumeClaim to become Bound
 * @param deviceTimeout how long to wait for a disk to appear after login, or to grow after a rescan
 * @param pollInterval how often those waits look again
 * @param byPathDirectory where udev links iSCSI disks by path
 */
public record NodeSettings(String nodeId, int maxVolumesPerNode, Duration bindTimeout, Duration deviceTimeout,
                           Duration pollInterval, Path byPathDirectory) {

    /** One iSCSI session per volume; a few dozen per node keep login and rescans quick. */
    public static final int DEFAULT_MAX_VOLUMES_PER_NODE = 64;
    /** Under the kubelet's two-minute limit for NodeStageVolume, leaving room for login and mkfs. */
    public static final Duration DEFAULT_BIND_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DEVICE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final Path DEFAULT_BY_PATH_DIRECTORY = Path.of("/dev/disk/by-path");
}
