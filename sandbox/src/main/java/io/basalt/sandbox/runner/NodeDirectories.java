package io.basalt.sandbox.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where each pretend node's file system lives: {@code <root>/<node>/<absolute path without its leading slash>}. */
public final class NodeDirectories {

    private final Path root;

    public NodeDirectories(Path root) {
        this.root = root;
    }

    /** The local directory standing for {@code hostPath} on {@code node}, created when missing. */
    public Path hostPath(String node, String hostPath) {
        Path local = root.resolve(node).resolve(hostPath.replaceFirst("^/+", "")).normalize();
        if (!local.startsWith(root.resolve(node))) {
            throw new IllegalArgumentException("hostPath " + hostPath + " leaves node " + node + "'s directory");
        }
        try {
            return Files.createDirectories(local);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + local + " for hostPath " + hostPath + " on " + node, e);
        }
    }
}
