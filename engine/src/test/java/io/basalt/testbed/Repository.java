package io.basalt.testbed;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository, found from wherever the build runs (the root or a module directory). */
public final class Repository {

    private Repository() {
    }

    /** The nearest directory at or above the working directory that holds testbed/kernel-vm. */
    public static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("testbed").resolve("kernel-vm"))) {
                return dir;
            }
        }
        throw new TestbedException("no testbed/kernel-vm at or above " + start);
    }

    /** A file that must exist, by its path relative to the repository's root. */
    public static Path file(String relativePath) {
        Path file = root().resolve(relativePath);
        if (!Files.exists(file)) {
            throw new TestbedException("no " + relativePath + " in the repository at " + root());
        }
        return file;
    }
}
