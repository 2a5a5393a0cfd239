package io.basalt.driver.node;

import io.basalt.api.v1alpha1.ChapSecret;
import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeClaim;
import io.basalt.api.v1alpha1.VolumeClaimSpec;
import io.basalt.api.v1alpha1.VolumeClaimStatus;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.api.v1alpha1.VolumePhase;
import io.basalt.csi.v1.NodeGrpc;
import io.basalt.csi.v1.NodePublishVolumeRequest;
import io.basalt.csi.v1.NodeStageVolumeRequest;
import io.basalt.csi.v1.NodeUnpublishVolumeRequest;
import io.basalt.csi.v1.NodeUnstageVolumeRequest;
import io.basalt.csi.v1.VolumeCapability;
import io.basalt.driver.exec.ScriptedCommandRunner;
import io.basalt.driver.server.CsiEndpoint;
import io.basalt.driver.server.CsiServer;
import io.basalt.driver.server.Readiness;
import io.basalt.driver.server.UnixSocketClient;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One node of a test cluster: the node service on a real unix socket, the fabric8 mock API server
 * in CRUD mode with Basalt's CRDs, and a fake host behind a scripted command runner.
 */
final class NodeTestbed implements AutoCloseable {

    static final String NODE = "node-1";
    static final String NAMESPACE = BasaltResources.NAMESPACE;
    static final String PORTAL = "10.0.2.2:3260";
    static final long GIB = 1L << 30;
    static final ChapCredentials CHAP = new ChapCredentials("basalt-node", "chap-secret-0123");
    static final Duration BIND_TIMEOUT = Duration.ofMillis(400);

    final KubernetesClient kubernetes;
    final ScriptedCommandRunner runner = new ScriptedCommandRunner();
    final FakeNodeHost host;
    private final Path dir;
    private CsiServer server;
    private UnixSocketClient client;
    NodeGrpc.NodeBlockingStub node;

    NodeTestbed(KubernetesClient kubernetes, Path dir) {
        this.kubernetes = kubernetes;
        this.dir = dir;
        this.host = new FakeNodeHost(runner, dir.resolve("host"));
        for (String crd : List.of("volumeclaims.basalt.io-v1.yml")) {
            kubernetes.apiextensions().v1().customResourceDefinitions()
                    .load(Path.of("..", "crds", crd).toFile()).create();
        }
        startDriver();
    }

    /** A fresh driver process in all but name: a new service instance on a new socket, same host. */
    void restartDriver() throws InterruptedException {
        stopDriver();
        startDriver();
    }

    private void startDriver() {
        NodeSettings settings = new NodeSettings(NODE, 32, BIND_TIMEOUT, Duration.ofMillis(400),
                Duration.ofMillis(20), host.byPathDirectory());
        Path socket = dir.resolve("csi.sock");
        server = CsiServer.start(new CsiEndpoint(socket), new Readiness(),
                List.of(NodeServiceFactory.create(settings, kubernetes, NAMESPACE, runner)));
        client = new UnixSocketClient(socket);
        node = NodeGrpc.newBlockingStub(client.channel());
    }

    private void stopDriver() throws InterruptedException {
        client.close();
        server.shutdown(Duration.ofSeconds(1));
    }

    @Override
    public void close() throws InterruptedException {
        stopDriver();
        runner.assertNoUnexpectedCommands();
    }

    // ---- the cluster side ----

    /** A VolumeClaim as CreateVolume writes it: Pending, no consumer yet. */
    VolumeClaim createClaim(String volumeId, FsType fsType) {
        VolumeClaim claim = new VolumeClaim();
        claim.setMetadata(new ObjectMetaBuilder().withName(volumeId).withNamespace(NAMESPACE).build());
        claim.setSpec(new VolumeClaimSpec(GIB, "pools", 3, VolumeMode.FILESYSTEM, fsType, null, null));
        return kubernetes.resource(claim).create();
    }

    void setConsumer(String volumeId, String nodeName) {
        VolumeClaim claim = claim(volumeId);
        VolumeClaimSpec spec = claim.getSpec();
        claim.setSpec(new VolumeClaimSpec(spec.capacityBytes(), spec.poolCluster(), spec.replicaCount(),
                spec.volumeMode(), spec.fsType(), spec.source(), nodeName));
        kubernetes.resource(claim).update();
    }

    /** What the operator does: the target serves the LUN, the claim turns Bound with portal, IQN and CHAP. */
    FakeNodeHost.Lun bind(String volumeId) {
        String secretName = volumeId + "-chap";
        kubernetes.resource(new SecretBuilder()
                .withNewMetadata().withName(secretName).withNamespace(NAMESPACE).endMetadata()
                .withStringData(Map.of(ChapSecret.USERNAME, CHAP.username(),
                        ChapSecret.PASSWORD, CHAP.password()))
                .build()).create();
        FakeNodeHost.Lun lun = host.serve(PORTAL, iqn(volumeId), CHAP, GIB);
        setStatus(volumeId, new VolumeClaimStatus(1L, List.of(new ConditionBuilder().withType("Ready")
                .withStatus("True").withReason("Serving").withMessage("target serves with 3 of 3 replicas")
                .build()), VolumePhase.BOUND, GIB, PORTAL, iqn(volumeId), secretName, volumeId));
        return lun;
    }

    void setPending(String volumeId, String reason, String message) {
        setStatus(volumeId, new VolumeClaimStatus(1L, List.of(new ConditionBuilder().withType("Ready")
                .withStatus("False").withReason(reason).withMessage(message).build()),
                VolumePhase.PENDING, null, null, null, null, null));
    }

    void setFailed(String volumeId, String reason, String message) {
        setStatus(volumeId, new VolumeClaimStatus(1L, List.of(new ConditionBuilder().withType("Ready")
                .withStatus("False").withReason(reason).withMessage(message).build()),
                VolumePhase.FAILED, null, null, null, null, null));
    }

    private void setStatus(String volumeId, VolumeClaimStatus status) {
        VolumeClaim claim = claim(volumeId);
        claim.setStatus(status);
        kubernetes.resource(claim).updateStatus();
    }

    VolumeClaim claim(String volumeId) {
        return kubernetes.resources(VolumeClaim.class).inNamespace(NAMESPACE).withName(volumeId).get();
    }

    /** Creates the claim, binds it and stages it as a file system. */
    FakeNodeHost.Lun stagedFilesystem(String volumeId, FsType fsType) {
        createClaim(volumeId, fsType);
        FakeNodeHost.Lun lun = bind(volumeId);
        node.nodeStageVolume(stageMount(volumeId, ""));
        return lun;
    }

    FakeNodeHost.Lun stagedBlock(String volumeId) {
        createClaim(volumeId, FsType.EXT4);
        FakeNodeHost.Lun lun = bind(volumeId);
        node.nodeStageVolume(stageBlock(volumeId));
        return lun;
    }

    static String iqn(String volumeId) {
        return "iqn.2026-11.io.basalt:" + volumeId;
    }

    IscsiTarget target(String volumeId) {
        return new IscsiTarget(PORTAL, iqn(volumeId));
    }

    /** The status a call failed with; fails the test when the call succeeds. */
    static Status failureOf(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("the call succeeded but was expected to fail");
    }

    // ---- requests as the kubelet makes them ----

    Path stagingPath(String volumeId) {
        return dir.resolve("kubelet/plugins/csi.basalt.io/" + volumeId + "/globalmount");
    }

    Path targetPath(String volumeId) {
        return dir.resolve("kubelet/pods/pod-1/volumes/" + volumeId + "/mount");
    }

    static VolumeCapability mountCapability(String fsType, String... flags) {
        return VolumeCapability.newBuilder()
                .setMount(VolumeCapability.MountVolume.newBuilder().setFsType(fsType).addAllMountFlags(List.of(flags)))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    static VolumeCapability blockCapability() {
        return VolumeCapability.newBuilder()
                .setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER))
                .build();
    }

    NodeStageVolumeRequest stageMount(String volumeId, String fsType, String... flags) {
        return NodeStageVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setVolumeCapability(mountCapability(fsType, flags))
                .build();
    }

    NodeStageVolumeRequest stageBlock(String volumeId) {
        return NodeStageVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setVolumeCapability(blockCapability())
                .build();
    }

    NodeUnstageVolumeRequest unstage(String volumeId) {
        return NodeUnstageVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .build();
    }

    NodePublishVolumeRequest publishMount(String volumeId, boolean readOnly) {
        return NodePublishVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setTargetPath(targetPath(volumeId).toString())
                .setVolumeCapability(mountCapability(""))
                .setReadonly(readOnly)
                .build();
    }

    NodePublishVolumeRequest publishBlock(String volumeId, boolean readOnly) {
        return NodePublishVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setStagingTargetPath(stagingPath(volumeId).toString())
                .setTargetPath(targetPath(volumeId).toString())
                .setVolumeCapability(blockCapability())
                .setReadonly(readOnly)
                .build();
    }

    NodeUnpublishVolumeRequest unpublish(String volumeId) {
        return NodeUnpublishVolumeRequest.newBuilder()
                .setVolumeId(volumeId)
                .setTargetPath(targetPath(volumeId).toString())
                .build();
    }
}
