package io.basalt.engine.block;

/** Why a block device operation failed. */
public sealed class BlockDeviceException extends RuntimeException {

    protected BlockDeviceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The offset or length is misaligned or outside the device. */
    public static final class InvalidRange extends BlockDeviceException {
        public InvalidRange(long offset, long length, long size, int blockSize) {
            super("range [offset=" + offset + ", length=" + length + "] is not block-aligned ("
                    + blockSize + ") within size " + size, null);
        }
    }

    /** A resize would shrink the device or break its block alignment. */
    public static final class InvalidSize extends BlockDeviceException {
        public InvalidSize(long requested, long current, int blockSize) {
            super("cannot resize from " + current + " to " + requested + " bytes (block size "
                    + blockSize + ", growing only)", null);
        }
    }

    /** The storage below cannot have the size asked for (too large, or not in its units). */
    public static final class UnsupportedSize extends BlockDeviceException {
        public UnsupportedSize(long requested, String why) {
            super("the storage cannot have " + requested + " bytes: " + why, null);
        }
    }

    /** The device was closed. */
    public static final class Closed extends BlockDeviceException {
        public Closed(String device) {
            super(device + " is closed", null);
        }
    }

    /** The storage below failed. */
    public static final class MediumError extends BlockDeviceException {
        public MediumError(String operation, String device, Throwable cause) {
            super(operation + " failed on " + device + ": " + cause.getMessage(), cause);
        }
    }

    /** Too few replicas are available to serve the request without risking acknowledged data. */
    public static final class Unavailable extends BlockDeviceException {
        public Unavailable(String reason) {
            super(reason, null);
        }
    }
}
