package io.basalt.driver.node;

/**
 * Where a volume is served: the target's portal and name, as the VolumeClaim advertises them.
 *
 * @param portal host:port of the target (port 3260 when the claim gives none)
 * @param iqn the target's iSCSI qualified name
 */
public record IscsiTarget(String portal, String iqn) {

    static final int DEFAULT_PORT = 3260;

    public IscsiTarget {
        boolean hasPort = portal.startsWith("[") ? portal.contains("]:") : portal.contains(":");
        if (!hasPort) {
            portal = portal + ":" + DEFAULT_PORT;
        }
    }

    /** The name udev gives LUN 0 of this target's session under /dev/disk/by-path. */
    public String byPathName() {
        return "ip-" + portal + "-iscsi-" + iqn + "-lun-0";
    }

    @Override
    public String toString() {
        return iqn + " at " + portal;
    }
}
