package io.basalt.driver.node;

/**
 * The CHAP user and secret an initiator presents to a volume's target. They live in the Secret
 * named by the VolumeClaim's {@code status.chapSecretName}, in the Basalt namespace, under the
 * keys {@value #USERNAME_KEY} and {@value #PASSWORD_KEY}.
 */
public record ChapCredentials(String username, String password) {

    /** The Secret key of the CHAP user name. */
    public static final String USERNAME_KEY = "username";
    /** The Secret key of the CHAP secret (12 to 16 bytes for most targets). */
    public static final String PASSWORD_KEY = "password";

    @Override
    public String toString() {
        return "ChapCredentials[username=" + username + ", password=******]";
    }
}
