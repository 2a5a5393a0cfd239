package io.basalt.sandbox;

import io.basalt.api.v1alpha1.BasaltResources;
import io.basalt.api.v1alpha1.StoragePool;
import io.basalt.sandbox.tour.CsiClient;
import io.basalt.sandbox.tour.QemuIo;
import io.basalt.sandbox.tour.Volumes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The sandbox's whole stack for a test, with real engine processes: mock API server, operator,
 * CSI driver and a pool on each node, in a fresh directory under the integration tests' work
 * directory; with the clients a test drives it through.
 */
record SandboxStack(Sandbox sandbox, CsiClient csi, Volumes volumes, QemuIo qemu) implements AutoCloseable {

    private static final Path ROOT = Path.of(System.getProperty("basalt.root"));

    /** Starts the stack with a pool on each of {@code nodes} and the operator given {@code operatorArgs}. */
    static SandboxStack start(String name, List<String> nodes, List<String> operatorArgs) throws Exception {
        Path base = Path.of(System.getProperty("basalt.it.workdir"));
        Files.createDirectories(base);
        Path data = Files.createTempDirectory(base, name);
        Sandbox sandbox = Sandbox.start(new SandboxSettings(data, data.resolve("csi.sock"),
                ProcessHandle.current().info().command().orElse("java"),
                ROOT.resolve("engine/target/basalt-engine.jar"), ROOT.resolve("operator/target/basalt-operator.jar"),
                ROOT.resolve("driver/target/basalt-driver.jar"), nodes, operatorArgs));
        CsiClient csi = new CsiClient(data.resolve("csi.sock"));
        return new SandboxStack(sandbox, csi, new Volumes(sandbox.client(), csi), new QemuIo(data.resolve("qemu")));
    }

    List<StoragePool> pools() {
        return sandbox.client().resources(StoragePool.class).inNamespace(BasaltResources.NAMESPACE).list().getItems();
    }

    /** Stops every process of the stack. */
    @Override
    public void close() throws InterruptedException {
        csi.close();
        sandbox.close();
    }
}
