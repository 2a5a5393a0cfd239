package io.basalt.engine.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A CHAP user name and secret. The secret never appears in {@link #toString()}. */
public record ChapCredentials(String user, byte[] secret) {

    public ChapCredentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
    }

    public static ChapCredentials of(String user, String secret) {
        return new ChapCredentials(user, secret.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + "]";
    }
}
