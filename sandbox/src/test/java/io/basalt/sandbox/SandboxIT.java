package io.basalt.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.basalt.api.v1alpha1.StoragePool;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged sandbox, run as a user runs it: its tour passes, and --serve keeps the stack up until SIGTERM. */
class SandboxIT {

    private static final Path ROOT = Path.of(System.getProperty("basalt.root"));
    private static final Path JAR = Path.of(System.getProperty("basalt.sandbox.jar"));
    private static final Duration TOUR_LIMIT = Duration.ofMinutes(4);
    private static final List<String> MILESTONES = List.of(
            "] pools online: 3 StoragePools",
            "] CreateVolume sandbox-vol (256 MiB, 3 replicas): VolumeClaim Pending (WaitingForConsumer",
            "] node node-a recorded on VolumeClaim sandbox-vol",
            "] VolumeClaim sandbox-vol Bound: target 127.",
            "] data written and read back over iSCSI",
            "] ControllerExpandVolume sandbox-vol to 512 MiB: expanded; the LUN reads 512 MiB over iSCSI",
            "] CreateSnapshot sandbox-snap of sandbox-vol: snapshot ready to use",
            "] clone sandbox-clone of sandbox-snap Bound",
            "] DeleteVolume sandbox-clone, DeleteSnapshot sandbox-snap, DeleteVolume sandbox-vol",
            "] nothing left behind",
            "] tour finished in ");

    private Path work;
    private Process sandbox;

    @BeforeEach
    void workDirectory() throws IOException {
        Path base = Path.of(System.getProperty("basalt.it.workdir"));
        Files.createDirectories(base);
        work = Files.createTempDirectory(base, "sandbox");
    }

    @AfterEach
    void stopSandbox() throws InterruptedException {
        if (sandbox != null && sandbox.isAlive()) {
            List<ProcessHandle> children = sandbox.descendants().toList();
            sandbox.destroyForcibly().waitFor();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theTourTakesAVolumeThroughItsLifeAndExitsZero() throws Exception {
        sandbox = start();

        assertThat(sandbox.waitFor(TOUR_LIMIT.toSeconds(), TimeUnit.SECONDS)).as(output()).isTrue();

        assertThat(sandbox.exitValue()).as(output()).isZero();
        assertThat(output()).containsSubsequence(MILESTONES);
        assertThat(output()).contains("$ kubectl get vc -n basalt-system", "$ kubectl get pods -n basalt-system");
    }

    @Test
    void withServeTheStackStaysUpAfterTheTourAndStopsCleanlyOnSigterm() throws Exception {
        Path socket = work.resolve("elsewhere/csi.sock");
        sandbox = start("--serve", "--csi-endpoint", "unix://" + socket);
        await().atMost(TOUR_LIMIT).until(() -> output().contains("serving until SIGTERM") || !sandbox.isAlive());
        assertThat(output()).containsSubsequence(MILESTONES).contains("CSI unix://" + socket);

        Path kubeconfig = work.resolve("data/kubeconfig");
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            assertThat(client.resources(StoragePool.class).inNamespace("basalt-system").list().getItems()).hasSize(3);
        }
        assertThat(socket).exists();
        List<ProcessHandle> stack = sandbox.descendants().toList();
        assertThat(stack).hasSizeGreaterThanOrEqualTo(5);

        sandbox.destroy();

        assertThat(sandbox.waitFor(60, TimeUnit.SECONDS)).as(output()).isTrue();
        assertThat(sandbox.exitValue()).as(output()).isZero();
        assertThat(stack).noneMatch(ProcessHandle::isAlive);
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--sun-misc-unsafe-memory-access=allow", "-jar", JAR.toString(),
                "--data-dir", work.resolve("data").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("output.txt").toFile()).start();
    }

    private String output() throws IOException {
        return Files.readString(work.resolve("output.txt"));
    }
}
