package io.basalt.engine.iscsi.login;

/** A login that ends with a non-success status; the message says why, for the log only. */
public final class LoginException extends Exception {

    private final LoginStatus status;

    public LoginException(LoginStatus status, String message) {
        super(message);
        this.status = status;
    }

    public LoginStatus status() {
        return status;
    }
}
