package io.basalt.driver.node;

import io.basalt.driver.exec.CommandRunner;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Puts the node service together from its parts. */
public final class NodeServiceFactory {

    private NodeServiceFactory() {
    }

    public static NodeService create(NodeSettings settings, KubernetesClient client, String namespace,
                                     CommandRunner runner) {
        Mounter mounter = new CommandMounter(runner);
        Iscsiadm iscsiadm = new Iscsiadm(runner);
        DeviceLinks devices = new DeviceLinks(settings.byPathDirectory(), settings.pollInterval());
        Filesystems filesystems = new Filesystems(runner);
        BlockDevices blockDevices = new BlockDevices(runner, settings.pollInterval());
        VolumeClaims claims = new VolumeClaims(client, namespace, settings.pollInterval());
        return new NodeService(settings,
                new VolumeStager(settings, claims, new IscsiAttacher(iscsiadm, devices, settings.deviceTimeout()),
                        filesystems, mounter),
                new VolumePublisher(mounter, devices),
                new VolumeExpander(iscsiadm, blockDevices, filesystems, mounter, settings.deviceTimeout()),
                new VolumeStatsReader(runner, blockDevices, mounter));
    }
}
