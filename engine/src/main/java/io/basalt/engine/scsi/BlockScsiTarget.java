package io.basalt.engine.scsi;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.block.BlockDeviceException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SCSI target with one direct-access logical unit, LUN 0, over a block device. It checks
 * what SAM-5 and SPC-4 check before any command runs (logical unit, unit attentions,
 * reservations) and dispatches the rest through its {@link CommandSet}. Commands run
 * concurrently; those on the same blocks are ordered only where SBC-3 requires it.
 */
public final class BlockScsiTarget implements ScsiTarget {

    private static final Logger log = LoggerFactory.getLogger(BlockScsiTarget.class);
    private static final int INQUIRY = 0x12;
    private static final int REPORT_LUNS = 0xA0;
    private static final int REQUEST_SENSE = 0x03;

    private final LogicalUnit unit;
    private final CommandSet commands = new CommandSet();

    public BlockScsiTarget(LogicalUnit unit) {
        this.unit = unit;
        commands.addAll(InquiryCommands.descriptors())
                .addAll(UnitCommands.descriptors())
                .addAll(ReadWriteCommands.descriptors())
                .addAll(ProvisioningCommands.descriptors())
                .addAll(MediumCommands.descriptors())
                .addAll(ModeCommands.descriptors())
                .addAll(ReservationCommands.descriptors())
                .add(new SupportedOperationCodes(commands).descriptor());
    }

    /** The logical unit behind LUN 0, e.g. to grow it. */
    public LogicalUnit logicalUnit() {
        return unit;
    }

    public CommandSet commands() {
        return commands;
    }

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiCommand command) {
        CompletableFuture<ScsiResponse> result;
        try {
            result = dispatch(command).handle((response, failure) ->
                    failure == null ? response : failed(command, failure));
        } catch (RuntimeException e) {
            result = CompletableFuture.completedFuture(failed(command, e));
        }
        if (command.dataOut() != null) {
            result.whenComplete((response, failure) -> command.dataOut().release());
        }
        return result;
    }

    private CompletableFuture<ScsiResponse> dispatch(ScsiCommand command) {
        byte[] cdb = command.cdb();
        if (cdb.length == 0) {
            throw CommandException.checkCondition(Sense.invalidOperationCode());
        }
        if (command.lun() != 0) {
            return withoutLogicalUnit(command);
        }
        CommandDescriptor descriptor = commands.find(cdb);
        if (descriptor == null) {
            throw CommandException.checkCondition(commands.supportsOpcode(command.opcode())
                    ? Sense.invalidFieldInCdb(1, 4) : Sense.invalidOperationCode());
        }
        if (cdb.length < descriptor.usage().length) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(0));
        }
        if (!descriptor.keepsUnitAttention()) {
            Sense attention = unit.unitAttentions().take(command.nexus());
            if (attention != null) {
                throw CommandException.checkCondition(attention);
            }
        }
        unit.reservations().checkAccess(command.nexus(), descriptor.access());
        Task task = new Task(command, unit, Arrays.copyOf(cdb, descriptor.usage().length));
        return descriptor.handler().execute(task);
    }

    /** SPC-4 for a LUN without logical unit: INQUIRY answers, everything else reports it missing. */
    private CompletableFuture<ScsiResponse> withoutLogicalUnit(ScsiCommand command) {
        byte[] cdb = command.cdb();
        return switch (command.opcode()) {
            case INQUIRY -> Task.dataIn(InquiryCommands.noLogicalUnit(unit.config()), Cdb.u16(cdb, 3));
            case REPORT_LUNS -> InquiryCommands.reportLuns(new Task(command, unit, Arrays.copyOf(cdb, 12)));
            case REQUEST_SENSE -> Task.dataIn(Sense.logicalUnitNotSupported().encode(Cdb.bit(cdb, 1, 0)), Cdb.u8(cdb, 4));
            default -> throw CommandException.checkCondition(Sense.logicalUnitNotSupported());
        };
    }

    private ScsiResponse failed(ScsiCommand command, Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        long transferLength = impliedTransferLength(command);
        if (cause instanceof CommandException e) {
            if (e.sense() == null) {
                return ScsiResponse.status(e.status(), transferLength);
            }
            return ScsiResponse.checkCondition(e.sense().encode(unit.modePages().descriptorSense()), transferLength);
        }
        Sense sense = switch (cause) {
            case BlockDeviceException.InvalidRange e -> Sense.lbaOutOfRange();
            case BlockDeviceException.MediumError e -> isRead(command) ? Sense.unrecoveredReadError() : Sense.writeError();
            case BlockDeviceException.Unavailable e -> Sense.logicalUnitUnavailable();
            default -> Sense.internalTargetFailure();
        };
        log.warn("SCSI command failed: {} {} {} {}", kv("cdb", HexFormat.of().formatHex(command.cdb())),
                kv("initiatorPort", command.nexus().initiatorPort()), kv("taskTag", command.taskTag()),
                kv("error", cause.toString()));
        return ScsiResponse.checkCondition(sense.encode(unit.modePages().descriptorSense()), transferLength);
    }

    private boolean isRead(ScsiCommand command) {
        CommandDescriptor descriptor = descriptorOf(command);
        return descriptor != null && descriptor.access() == Access.READ;
    }

    /** For block transfers, the bytes the CDB called for; zero for everything else. */
    private long impliedTransferLength(ScsiCommand command) {
        CommandDescriptor descriptor = descriptorOf(command);
        if (descriptor == null || !descriptor.transfersBlocks() || command.cdb().length < descriptor.usage().length) {
            return 0;
        }
        BlockRange range = BlockRange.of(Arrays.copyOf(command.cdb(), descriptor.usage().length));
        return range.blocks() * unit.blockSize();
    }

    private CommandDescriptor descriptorOf(ScsiCommand command) {
        return command.lun() == 0 && command.cdb().length > 0 ? commands.find(command.cdb()) : null;
    }

    @Override
    public void nexusAdded(Nexus nexus) {
        unit.unitAttentions().nexusAdded(nexus);
    }

    @Override
    public void nexusRemoved(Nexus nexus) {
        unit.unitAttentions().nexusRemoved(nexus);
        unit.reservations().nexusRemoved(nexus);
    }

    @Override
    public boolean resetLogicalUnit(Nexus requester, long lun) {
        if (lun != 0) {
            return false;
        }
        unit.reset(Sense.logicalUnitReset());
        return true;
    }

    @Override
    public void resetTarget(Nexus requester) {
        unit.reset(Sense.targetReset());
    }
}
