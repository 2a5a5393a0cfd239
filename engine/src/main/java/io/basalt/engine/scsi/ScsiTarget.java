package io.basalt.engine.scsi;

import java.util.concurrent.CompletableFuture;

/**
 * The SCSI side of a target: its logical units and their task sets, independent of transport.
 *
 * <p>Every method is safe to call from a network event loop: none of them blocks. Commands
 * complete through the returned future, possibly on another thread.
 */
public interface ScsiTarget {

    /** Executes one command; the future never completes exceptionally (errors become sense data). */
    CompletableFuture<ScsiResponse> execute(ScsiCommand command);

    /** A nexus appeared (login); it starts with a power-on unit attention pending. */
    void nexusAdded(Nexus nexus);

    /** A nexus is gone (logout, connection lost); its pending unit attentions are dropped. */
    void nexusRemoved(Nexus nexus);

    /**
     * LOGICAL UNIT RESET from {@code requester}: aborts the unit's tasks and raises a reset unit
     * attention for every nexus, the requester's included (SAM-5 6.3.3; multipath initiators
     * rely on seeing it on every path).
     *
     * @return false when there is no such logical unit
     */
    boolean resetLogicalUnit(Nexus requester, long lun);

    /** TARGET WARM RESET: resets every logical unit. */
    void resetTarget(Nexus requester);
}
