package io.basalt.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The contract of testbed/kernel-vm as other tests use it through {@link KernelVm}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KernelVmIT {

    @BeforeAll
    static void prepareTheGuest() {
        KernelVm.prepare();
    }

    @Test
    void runsTheScriptAsRootInTheGuestKernelAndHandsBackItsOutputStatusAndFiles(@TempDir Path dir)
            throws IOException {
        Path shared = Files.createDirectory(dir.resolve("shared"));
        Path script = executable(dir.resolve("probe"), """
                #!/bin/bash
                echo "kernel $(uname -r) uid $(id -u) greeting $GREETING"
                echo "initiator $(cat /etc/iscsi/initiatorname.iscsi)"
                echo "iscsi_tcp $(test -d /sys/module/iscsi_tcp && echo loaded)"
                echo "iscsid $(pgrep -x iscsid > /dev/null && echo running)"
                echo "argument $1"
                echo "to stderr" >&2
                echo "written in the guest" > /mnt/results/from-guest
                exit 3
                """);

        KernelVm.Result result = KernelVm.builder()
                .share(shared, "results")
                .env("GREETING", "hello guest")
                .initiatorName("iqn.2026-01.io.basalt.testbed:probe")
                .timeout(Duration.ofMinutes(4))
                .build()
                .run(script, "first argument");

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(3);
        assertThat(result.stdout()).as(result.describe())
                .contains("uid 0 greeting hello guest")
                .doesNotContain("kernel " + hostKernel())
                .contains("initiator InitiatorName=iqn.2026-01.io.basalt.testbed:probe")
                .contains("iscsi_tcp loaded")
                .contains("iscsid running")
                .contains("argument first argument");
        assertThat(result.stderr()).contains("to stderr");
        assertThat(shared.resolve("from-guest")).hasContent("written in the guest");
    }

    @Test
    void forwardsAHostPortToAServerInTheGuest(@TempDir Path dir) throws Exception {
        int hostPort = FreePort.onLoopback();
        // Serves one connection at a time until one has carried a line both ways.
        Path server = executable(dir.resolve("server"), """
                #!/bin/bash
                for attempt in $(seq 1 10); do
                  timeout 60 busybox nc -l -p 7000 -e /bin/sh -c \
                    'read -r line && echo "guest got $line" && echo "$line" > /tmp/received'
                  if [[ -s /tmp/received ]]; then exit 0; fi
                done
                exit 1
                """);
        KernelVm vm = KernelVm.builder().forward(hostPort, 7000).timeout(Duration.ofMinutes(4)).build();

        CompletableFuture<KernelVm.Result> run = CompletableFuture.supplyAsync(() -> vm.run(server));
        String answer = await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> exchange(hostPort, "hello over the forward"), reply -> reply != null);

        assertThat(answer).isEqualTo("guest got hello over the forward");
        KernelVm.Result result = run.get(5, TimeUnit.MINUTES);
        assertThat(result.exitCode()).as(result.describe()).isZero();
    }

    @Test
    void stopsTheGuestWhenTheTimeoutExpiresAndLeavesNoQemuBehind(@TempDir Path dir) throws IOException {
        // The share's path appears on QEMU's command line, which identifies this run's QEMU.
        Path marker = Files.createDirectory(dir.resolve("timeout-marker"));
        Path script = executable(dir.resolve("sleeper"), "#!/bin/bash\nsleep 600\n");

        KernelVm.Result result = KernelVm.builder()
                .share(marker, "marker")
                .timeout(Duration.ofSeconds(5))
                .build()
                .run(script);

        assertThat(result.exitCode()).as(result.describe()).isEqualTo(124);
        assertThat(result.stderr()).contains("timed out after 5s");
        assertThat(ProcessHandle.allProcesses()
                .filter(process -> process.info().commandLine().orElse("").contains(marker.toString())))
                .isEmpty();
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** Sends a line and returns the answer; before the guest listens, QEMU accepts and then drops the connection. */
    private static String exchange(int port, String line) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            // Generous: under emulation on a busy machine the guest's shell takes a while to answer.
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            BufferedReader reader = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return reader.readLine();
        }
    }

    private static String hostKernel() {
        return HostCommand.run(Duration.ofSeconds(10), "uname", "-r").strip();
    }
}
