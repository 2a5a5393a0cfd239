package io.basalt.engine.replication;

import io.basalt.engine.replica.protocol.Message;

/** The granularity of dirty-region tracking, the same as the pools' written-region log. */
final class WriteRegions {

    static final int REGION_BYTES = Message.WrittenRegions.REGION_BYTES;

    private WriteRegions() {
    }

    static long first(long offset) {
        return offset / REGION_BYTES;
    }

    static long last(long offset, long length) {
        return (offset + Math.max(length, 1) - 1) / REGION_BYTES;
    }
}
