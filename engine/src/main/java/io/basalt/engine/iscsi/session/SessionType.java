package io.basalt.engine.iscsi.session;

/** The SessionType key's values (RFC 7143 13.21). */
public enum SessionType {
    NORMAL, DISCOVERY
}
