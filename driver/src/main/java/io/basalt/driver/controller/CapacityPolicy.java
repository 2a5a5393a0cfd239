package io.basalt.driver.controller;

import io.basalt.csi.v1.CapacityRange;

/**
 * Turns a CSI capacity range into the size a volume gets: whole MiB, since the LUN, the replicas and
 * the file systems all work in blocks, and 1 GiB when the caller leaves the size open.
 */
final class CapacityPolicy {

    static final long GRANULE = 1L << 20;
    static final long DEFAULT_SIZE = 1L << 30;

    private CapacityPolicy() {
    }

    /**
     * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT for a malformed range, OUT_OF_RANGE when
     *         no whole-MiB size fits it
     */
    static long sizeFor(CapacityRange range) {
        long required = range.getRequiredBytes();
        long limit = range.getLimitBytes();
        if (required < 0 || limit < 0) {
            throw CsiErrors.invalidArgument("capacity_range must not be negative (required_bytes " + required
                    + ", limit_bytes " + limit + ")");
        }
        if (limit > 0 && required > limit) {
            throw CsiErrors.invalidArgument("capacity_range asks for at least " + required + " bytes but at most "
                    + limit);
        }
        long wanted = required > 0 ? required : Math.min(DEFAULT_SIZE, limit > 0 ? limit : DEFAULT_SIZE);
        long size = roundUp(wanted);
        if (limit > 0 && size > limit) {
            size = limit / GRANULE * GRANULE;
            if (size < Math.max(required, 1)) {
                throw CsiErrors.outOfRange("no size in whole MiB lies between " + required + " and " + limit
                        + " bytes; widen the range");
            }
        }
        return size;
    }

    /** Whether an existing volume of {@code size} bytes satisfies {@code range}. */
    static boolean satisfies(long size, CapacityRange range) {
        return size >= range.getRequiredBytes() && (range.getLimitBytes() == 0 || size <= range.getLimitBytes());
    }

    private static long roundUp(long bytes) {
        return Math.ceilDiv(bytes, GRANULE) * GRANULE;
    }
}
