package io.basalt.driver.node;

/**
 * The CHAP user and secret an initiator presents to a volume's target. They live in the Secret
 * named by the VolumeClaim's {@code status.chapSecretName}, in the Basalt namespace, under the
 * keys of {@link io.basalt.api.v1alpha1.ChapSecret}.
 */
public record ChapCredentials(String username, String password) {

    @Override
    public String toString() {
        return "ChapCredentials[username=" + username + ", password=******]";
    }
}
