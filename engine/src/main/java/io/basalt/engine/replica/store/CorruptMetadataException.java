package io.basalt.engine.replica.store;

/** A metadata file that exists but cannot be understood. */
public final class CorruptMetadataException extends ReplicaStoreException {

    public CorruptMetadataException(String source, String problem) {
        super(source + ": " + problem);
    }
}
