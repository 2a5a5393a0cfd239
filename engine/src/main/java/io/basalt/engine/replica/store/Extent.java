package io.basalt.engine.replica.store;

/** A byte range of a replica's logical content: {@code [offset, offset + length)}. */
public record Extent(long offset, long length) {

    public long end() {
        return offset + length;
    }
}
