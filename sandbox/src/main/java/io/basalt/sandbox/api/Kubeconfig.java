package io.basalt.sandbox.api;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the kubeconfig that points kubectl, the operator and the driver at the embedded API. */
public final class Kubeconfig {

    private static final String NAME = "basalt-sandbox";

    private Kubeconfig() {
    }

    /** Writes a kubeconfig for {@code serverUrl} whose default namespace is {@code namespace}. */
    public static Path write(Path file, String serverUrl, String namespace) {
        Config config = new ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .addNewCluster().withName(NAME).withNewCluster().withServer(serverUrl).endCluster().endCluster()
                // The embedded API asks for no credentials; the user entry is there because clients expect one.
                .addNewUser().withName(NAME).withNewUser().endUser().endUser()
                .addNewContext().withName(NAME).withNewContext().withCluster(NAME).withUser(NAME)
                    .withNamespace(namespace).endContext().endContext()
                .withCurrentContext(NAME)
                .build();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Serialization.asYaml(config));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kubeconfig " + file, e);
        }
    }
}
