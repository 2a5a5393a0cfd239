package io.basalt.engine.iscsi.login;

import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.session.Session;

/**
 * What one Login Request led to: the response to send and, when the login is over, the
 * established session or the failure.
 */
public record LoginStep(LoginResponsePdu response, Session session, LoginException failure) {

    public boolean established() {
        return session != null;
    }

    public boolean failed() {
        return failure != null;
    }
}
