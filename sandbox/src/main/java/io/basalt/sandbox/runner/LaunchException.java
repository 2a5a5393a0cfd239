package io.basalt.sandbox.runner;

/**
 * A pod that cannot be started yet or at all, with the reason a kubelet would show for it
 * (e.g. CreateContainerConfigError for a missing Secret key).
 */
final class LaunchException extends Exception {

    private final String reason;

    LaunchException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }
}
