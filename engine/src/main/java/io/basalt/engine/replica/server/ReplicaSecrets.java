package io.basalt.engine.replica.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The per-volume secrets of a pool's replicas, one file each in {@code secrets/} of the pool's
 * directory (owner-readable only), kept apart from the replica store, which knows nothing of
 * authentication. Loaded once; answers lookups from memory so that a handshake never blocks.
 */
public final class ReplicaSecrets {

    private static final String SUFFIX = ".secret";
    public static final int MIN_BYTES = 16;
    public static final int MAX_BYTES = 1024;

    private final Path directory;
    private final Map<String, byte[]> secrets = new ConcurrentHashMap<>();

    private ReplicaSecrets(Path directory) {
        this.directory = directory;
    }

    /** Opens (creating if needed) the secrets of the pool in {@code poolDirectory}. */
    public static ReplicaSecrets open(Path poolDirectory) throws IOException {
        ReplicaSecrets store = new ReplicaSecrets(Files.createDirectories(poolDirectory.resolve("secrets")));
        try (Stream<Path> files = Files.list(store.directory)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.endsWith(SUFFIX)) {
                    store.secrets.put(fileName.substring(0, fileName.length() - SUFFIX.length()),
                            Files.readAllBytes(file));
                } else {
                    Files.deleteIfExists(file); // a temporary file left by a crash in store()
                }
            }
        }
        return store;
    }

    public Optional<byte[]> secret(String replica) {
        return Optional.ofNullable(secrets.get(replica)).map(byte[]::clone);
    }

    /** Persists {@code secret} for {@code replica} atomically and durably, replacing any earlier one. */
    public void store(String replica, byte[] secret) throws IOException {
        if (secret.length < MIN_BYTES || secret.length > MAX_BYTES) {
            throw new IllegalArgumentException("a volume secret has " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes, not " + secret.length);
        }
        Path temporary = directory.resolve(replica + SUFFIX + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(secret));
            channel.force(true);
        }
        try {
            Files.move(temporary, file(replica), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace the secret of '" + replica + "' atomically in " + directory, e);
        }
        syncDirectory();
        secrets.put(replica, secret.clone());
    }

    public void delete(String replica) throws IOException {
        secrets.remove(replica);
        if (Files.deleteIfExists(file(replica))) {
            syncDirectory();
        }
    }

    /** The secret's file: in the secrets' directory, whatever the name holds. */
    private Path file(String replica) {
        if (replica.isEmpty() || replica.indexOf('/') >= 0 || replica.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + replica + "' is not a replica name");
        }
        return directory.resolve(replica + SUFFIX);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
