package io.basalt.engine.acceptance.replicated;

import static org.awaitility.Awaitility.await;

import io.basalt.engine.acceptance.process.ExternalCommand;
import io.basalt.engine.acceptance.process.Workspace;
import io.basalt.engine.acceptance.targets.ReplicatedTargetLauncher;
import io.basalt.engine.acceptance.targets.RunningTarget;
import io.basalt.engine.management.v1.Health;
import io.basalt.engine.management.v1.ReplicaMode;
import io.basalt.engine.management.v1.ReplicaStatus;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.basalt.engine.management.v1.TargetStatusRequest;
import io.basalt.engine.management.v1.TargetStatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One volume's replicated target, started, killed and restarted on the same replicas and ports, with
 * its management API at hand (directly over gRPC, or through {@code ctl} as an admin would).
 */
public final class ReplicatedVolume implements AutoCloseable {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    private final ReplicatedTargetLauncher launcher;
    private final ReplicatedTargetLauncher.Spec spec;
    private final Workspace workspace;
    private final ManagedChannel channel;
    private RunningTarget target;

    ReplicatedVolume(ReplicatedTargetLauncher launcher, ReplicatedTargetLauncher.Spec spec, Workspace workspace) {
        this.launcher = launcher;
        this.spec = spec;
        this.workspace = workspace;
        this.channel = NettyChannelBuilder.forTarget(spec.mgmt()).usePlaintext().build();
    }

    /** Starts the target and waits until its management API answers. */
    public ReplicatedVolume start() {
        target = launcher.start(spec, workspace.logs());
        await().atMost(LIMIT).ignoreExceptions().until(() -> status() != null);
        return this;
    }

    /** Starts the target and waits until every replica is healthy. */
    public ReplicatedVolume startHealthy() {
        start();
        awaitHealth(Health.HEALTHY);
        return this;
    }

    public String name() {
        return spec.volume();
    }

    public String mgmt() {
        return spec.mgmt();
    }

    /** The qemu/libiscsi URL of the volume's LUN. */
    public String url() {
        return "iscsi://127.0.0.1:" + spec.iscsiPort() + "/" + spec.iqn() + "/0";
    }

    public String iqn() {
        return spec.iqn();
    }

    public int iscsiPort() {
        return spec.iscsiPort();
    }

    public TargetStatusResponse status() {
        return TargetManagementGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .targetStatus(TargetStatusRequest.getDefaultInstance());
    }

    public TargetStatusResponse awaitHealth(Health health) {
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> status().getHealth() == health);
        return status();
    }

    /** The status of the replica on the pool whose replica protocol listens on {@code address}. */
    public ReplicaStatus replica(String address) {
        return status().getReplicated().getReplicasList().stream()
                .filter(replica -> replica.getAddress().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no replica at " + address + " in " + status()));
    }

    /** Waits until the replica at {@code address} is in {@code mode}; its status then. */
    public ReplicaStatus awaitReplicaMode(String address, ReplicaMode mode) {
        return await().atMost(LIMIT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> replica(address), replica -> replica.getMode() == mode);
    }

    /** Runs {@code ctl --target} against this volume's target as a separate process, as an admin would. */
    public ExternalCommand.Result ctl(Path jar, String... arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toAbsolutePath().toString(), "ctl", "--target", spec.mgmt()));
        command.addAll(List.of(arguments));
        return ExternalCommand.run(command, workspace.logs(), LIMIT);
    }

    public void killNine() {
        target.killNine();
    }

    /** Stops the target with SIGTERM. */
    public void stop() {
        target.close();
    }

    public String logTail() {
        return target == null ? "" : target.logTail();
    }

    @Override
    public void close() {
        if (target != null) {
            target.close();
        }
        channel.shutdownNow();
    }
}
