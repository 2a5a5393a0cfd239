package io.basalt.systemtest;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.api.v1alpha1.VolumeMode;
import io.basalt.testbed.EngineTargetProcess;
import io.basalt.testbed.FreePort;
import io.basalt.testbed.KernelVm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One volume of the scenario: a Basalt target on the host's loopback, advertised at the address
 * the guest reaches the host by, with CHAP and its management API, and its Bound VolumeClaim.
 */
record ServedVolume(String kind, String id, long sizeBytes, long grownBytes, int mgmtPort,
                    EngineTargetProcess target) implements AutoCloseable {

    private static final String CHAP_USER = "basalt-node";

    static ServedVolume start(MockKubernetes api, Path workDir, String kind, long sizeBytes, long grownBytes)
            throws IOException {
        String id = "pvc-systest-" + kind;
        Path backingFile = workDir.resolve(id + ".img");
        // A blank volume each run: the last run's file has the grown size and the last run's data.
        Files.deleteIfExists(backingFile);
        String iqn = "iqn.2026-11.io.basalt.systest:" + id;
        int port = FreePort.onLoopback();
        int mgmtPort = FreePort.onLoopback();
        String chapSecret = "chap-secret-of-" + id;
        EngineTargetProcess target = EngineTargetProcess.start(workDir.resolve(id + "-target.log"), List.of(
                "--iqn", iqn,
                "--listen", "127.0.0.1:" + port,
                "--advertise", KernelVm.HOST_ADDRESS + ":" + port,
                "--mgmt", "127.0.0.1:" + mgmtPort,
                "--backing-file", backingFile.toString(),
                "--size", Long.toString(sizeBytes),
                "--chap-user", CHAP_USER,
                "--chap-secret", chapSecret));
        boolean block = kind.equals("block");
        api.bind(id, sizeBytes, block ? VolumeMode.BLOCK : VolumeMode.FILESYSTEM,
                block ? null : FsType.valueOf(kind.toUpperCase(java.util.Locale.ROOT)),
                KernelVm.HOST_ADDRESS + ":" + port, iqn, CHAP_USER, chapSecret);
        return new ServedVolume(kind, id, sizeBytes, grownBytes, mgmtPort, target);
    }

    /** How the guest scenario is told about this volume: KIND:ID:MGMT_HOST:MGMT_PORT:GROWN_BYTES. */
    String scenarioArgument() {
        return kind + ":" + id + ":" + KernelVm.HOST_ADDRESS + ":" + mgmtPort + ":" + grownBytes;
    }

    String mgmtAddress() {
        return "127.0.0.1:" + mgmtPort;
    }

    @Override
    public void close() {
        target.close();
    }
}
