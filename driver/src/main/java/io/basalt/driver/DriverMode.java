package io.basalt.driver;

/** Which CSI services one driver process offers; Identity is always served. */
public enum DriverMode {
    /** The cluster-wide provisioner: Controller service. */
    CONTROLLER,
    /** The per-node plugin: Node service. */
    NODE,
    /** Both, for single-process setups. */
    ALL;

    public boolean servesController() {
        return this != NODE;
    }

    public boolean servesNode() {
        return this != CONTROLLER;
    }
}
