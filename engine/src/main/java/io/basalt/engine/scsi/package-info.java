/**
 * The SCSI side of the target (SAM-5, SPC-4, SBC-3), independent of transport.
 *
 * <p>{@link io.basalt.engine.scsi.BlockScsiTarget} runs the checks common to every command and
 * dispatches through a {@link io.basalt.engine.scsi.CommandSet} that command families fill
 * (reads and writes, provisioning, medium, mode pages, reservations, inquiry, unit commands);
 * the same table answers REPORT SUPPORTED OPERATION CODES. Per-unit state lives in
 * {@link io.basalt.engine.scsi.LogicalUnit}.
 */
package io.basalt.engine.scsi;
