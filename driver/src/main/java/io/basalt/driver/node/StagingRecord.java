package io.basalt.driver.node;

import io.basalt.api.v1alpha1.VolumeMode;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a staging directory is attached to, kept in a small file inside it so that a restarted
 * driver can publish and unstage without asking anyone. It is written before the first iscsiadm
 * call, so no session is ever made without a record to undo it. For a file system volume the
 * mount hides it until unstage unmounts.
 *
 * @param volumeId the CSI volume id
 * @param target the iSCSI target logged in to
 * @param mode how the volume is consumed
 */
public record StagingRecord(String volumeId, IscsiTarget target, VolumeMode mode) {

    static final String FILE_NAME = ".basalt-staging.properties";

    public static Optional<StagingRecord> read(Path stagingPath) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(stagingPath.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stagingPath.resolve(FILE_NAME), e);
        }
        return Optional.of(new StagingRecord(properties.getProperty("volumeId"),
                new IscsiTarget(properties.getProperty("portal"), properties.getProperty("iqn")),
                VolumeMode.valueOf(properties.getProperty("mode"))));
    }

    /** Writes the record atomically: a crash leaves the old record or the new one. */
    public void write(Path stagingPath) {
        Properties properties = new Properties();
        properties.setProperty("volumeId", volumeId);
        properties.setProperty("portal", target.portal());
        properties.setProperty("iqn", target.iqn());
        properties.setProperty("mode", mode.name());
        Path file = stagingPath.resolve(FILE_NAME);
        Path temporary = stagingPath.resolve(FILE_NAME + ".tmp");
        try {
            try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(out, null);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static void delete(Path stagingPath) {
        try {
            Files.deleteIfExists(stagingPath.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + stagingPath.resolve(FILE_NAME), e);
        }
    }
}
