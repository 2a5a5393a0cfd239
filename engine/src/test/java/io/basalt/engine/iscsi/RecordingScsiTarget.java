package io.basalt.engine.iscsi;

import io.basalt.engine.scsi.Nexus;
import io.basalt.engine.scsi.ScsiCommand;
import io.basalt.engine.scsi.ScsiResponse;
import io.basalt.engine.scsi.ScsiTarget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A ScsiTarget double for transport tests: it keeps the write data it receives, answers reads from
 * a repeating pattern of the expected length (or a scripted answer), and can hold answers back.
 */
final class RecordingScsiTarget implements ScsiTarget {

    final List<ScsiCommand> commands = new ArrayList<>();
    final List<byte[]> writes = new ArrayList<>();
    final List<Nexus> added = new ArrayList<>();
    final List<Nexus> removed = new ArrayList<>();
    final List<Long> resetUnits = new ArrayList<>();
    final List<CompletableFuture<ScsiResponse>> held = new ArrayList<>();
    int targetResets;
    boolean holdResponses;
    Function<ScsiCommand, ScsiResponse> answer = RecordingScsiTarget::patternRead;

    @Override
    public CompletableFuture<ScsiResponse> execute(ScsiCommand command) {
        commands.add(command);
        if (command.dataOut() != null) {
            byte[] data = new byte[command.dataOut().readableBytes()];
            command.dataOut().readBytes(data);
            command.dataOut().release();
            writes.add(data);
        }
        CompletableFuture<ScsiResponse> future = new CompletableFuture<>();
        if (holdResponses) {
            held.add(future);
        } else {
            future.complete(answer.apply(command));
        }
        return future;
    }

    /** Completes every held command with its scripted answer. */
    void releaseHeld() {
        for (int i = 0; i < held.size(); i++) {
            held.get(i).complete(answer.apply(commands.get(commands.size() - held.size() + i)));
        }
        held.clear();
    }

    /** Reads answer {@code pattern(i) = i & 0xff} over the expected length; other commands answer GOOD. */
    static ScsiResponse patternRead(ScsiCommand command) {
        if (command.dataOut() != null || command.expectedDataTransferLength() == 0) {
            return ScsiResponse.good(null, command.expectedDataTransferLength());
        }
        return ScsiResponse.good(pattern(command.expectedDataTransferLength()), command.expectedDataTransferLength());
    }

    static ByteBuf pattern(int length) {
        ByteBuf data = Unpooled.buffer(length);
        for (int i = 0; i < length; i++) {
            data.writeByte(i);
        }
        return data;
    }

    @Override
    public void nexusAdded(Nexus nexus) {
        added.add(nexus);
    }

    @Override
    public void nexusRemoved(Nexus nexus) {
        removed.add(nexus);
    }

    @Override
    public boolean resetLogicalUnit(Nexus requester, long lun) {
        resetUnits.add(lun);
        return lun == 0;
    }

    @Override
    public void resetTarget(Nexus requester) {
        targetResets++;
    }
}
