package io.basalt.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * What the sandbox runs and where.
 *
 * @param dataDirectory everything the sandbox writes: kubeconfig, logs, the nodes' directories
 * @param csiSocket the driver's unix socket
 * @param javaBinary the JDK 25 java that runs the operator, the driver and the engine pods
 * @param engineJar the engine jar, standing for {@code /opt/basalt/basalt-engine.jar} of the engine image
 * @param operatorJar the operator jar
 * @param driverJar the CSI driver jar
 * @param nodes the pretend nodes, one pool on each
 * @param operatorArguments further arguments for the operator
 */
public record SandboxSettings(Path dataDirectory, Path csiSocket, String javaBinary, Path engineJar,
                              Path operatorJar, Path driverJar, List<String> nodes, List<String> operatorArguments) {

    /** The StoragePoolCluster the sandbox creates, one pool per node. */
    public static final String POOL_CLUSTER = "sandbox";
    /** The node the tour's volumes are consumed on, where the driver's node plugin runs. */
    public static final String CONSUMER_NODE = "node-a";

    public Path kubeconfig() {
        return dataDirectory.resolve("kubeconfig");
    }

    public Path logsDirectory() {
        return dataDirectory.resolve("logs");
    }
}
