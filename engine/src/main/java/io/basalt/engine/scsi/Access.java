package io.basalt.engine.scsi;

/**
 * How a command touches the logical unit, which decides whether a reservation held by another
 * I_T nexus lets it run (SPC-4 5.9.1, table of commands allowed in the presence of reservations).
 */
public enum Access {
    /** Allowed whatever the reservation: INQUIRY, REPORT LUNS, REQUEST SENSE, PERSISTENT RESERVE IN, ... */
    ALLOWED,
    /** Reads medium or state: allowed under the Write Exclusive types, conflicts under Exclusive Access. */
    READ,
    /** Changes medium or state: conflicts for every nexus that does not have access. */
    WRITE,
    /** The command checks reservations itself (PERSISTENT RESERVE OUT, RESERVE, RELEASE). */
    SELF_CHECKED
}
