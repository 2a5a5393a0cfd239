package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicaSecretsTest {

    private static final byte[] SECRET = "a-secret-of-vol-a".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void aStoredSecretIsThereAfterReopening() throws Exception {
        ReplicaSecrets.open(dir).store("vol-a", SECRET);

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).hasValueSatisfying(secret -> assertThat(secret)
                .isEqualTo(SECRET));
    }

    @Test
    void onlyItsOwnerCanReadASecret() throws Exception {
        ReplicaSecrets.open(dir).store("vol-a", SECRET);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("secrets").resolve("vol-a.secret")))).isEqualTo("rw-------");
    }

    @Test
    void storingAgainReplacesTheSecret() throws Exception {
        ReplicaSecrets secrets = ReplicaSecrets.open(dir);
        secrets.store("vol-a", SECRET);
        byte[] rotated = "the-rotated-secret".getBytes(StandardCharsets.UTF_8);

        secrets.store("vol-a", rotated);

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).hasValueSatisfying(secret -> assertThat(secret)
                .isEqualTo(rotated));
    }

    @Test
    void aDeletedSecretIsGoneAfterReopening() throws Exception {
        ReplicaSecrets secrets = ReplicaSecrets.open(dir);
        secrets.store("vol-a", SECRET);

        secrets.delete("vol-a");

        assertThat(secrets.secret("vol-a")).isEmpty();
        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).isEmpty();
    }

    @Test
    void aNameWithAPathInItIsRefusedAndTouchesNoOtherSecret() throws Exception {
        ReplicaSecrets secrets = ReplicaSecrets.open(dir);
        secrets.store("vol", SECRET);

        assertThatThrownBy(() -> secrets.delete("./vol")).isInstanceOf(IllegalArgumentException.class);

        assertThat(ReplicaSecrets.open(dir).secret("vol")).isPresent();
    }

    @Test
    void aTemporaryFileLeftByACrashIsNotASecret() throws Exception {
        Path secretsDir = Files.createDirectories(dir.resolve("secrets"));
        Files.write(secretsDir.resolve("vol-a.secret.tmp"), SECRET);

        assertThat(ReplicaSecrets.open(dir).secret("vol-a")).isEmpty();
        assertThat(secretsDir).isEmptyDirectory();
    }

    @Test
    void aSecretShorterThanSixteenBytesIsRefused() throws Exception {
        ReplicaSecrets secrets = ReplicaSecrets.open(dir);

        assertThatThrownBy(() -> secrets.store("vol-a", new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not 15");
    }
}
