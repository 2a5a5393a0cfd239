package io.basalt.engine.iscsi.session;

/** What identifies a session for reinstatement: initiator name and ISID (RFC 7143 4.3.1). */
public record SessionKey(String initiatorName, long isid) {

    /** The SCSI initiator port name, as RFC 7143 10.1.1 builds it. */
    public String initiatorPortName() {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }
}
