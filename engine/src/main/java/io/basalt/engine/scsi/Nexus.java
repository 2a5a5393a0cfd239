package io.basalt.engine.scsi;

import java.util.Objects;

/**
 * An I_T nexus: the pair of initiator port and target port a command arrives through.
 * Unit attentions and persistent reservations are kept per nexus (SAM-5, SPC-4).
 *
 * @param initiatorPort the initiator port name; for iSCSI "{@code <initiator name>,i,0x<ISID>}"
 * @param targetPort the target port name; for iSCSI "{@code <target name>,t,0x<TPGT>}"
 */
public record Nexus(String initiatorPort, String targetPort) {
    public Nexus {
        Objects.requireNonNull(initiatorPort, "initiatorPort");
        Objects.requireNonNull(targetPort, "targetPort");
    }
}
