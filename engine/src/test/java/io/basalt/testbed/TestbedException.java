package io.basalt.testbed;

/** A piece of the test bed (a host command, the guest, a target process) could not do its part. */
public final class TestbedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TestbedException(String message) {
        super(message);
    }

    public TestbedException(String message, Throwable cause) {
        super(message, cause);
    }
}
