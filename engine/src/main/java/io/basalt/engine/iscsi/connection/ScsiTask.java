package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.pdu.ScsiCommandPdu;
import io.basalt.engine.scsi.ScsiResponse;
import io.basalt.engine.scsi.TaskAttribute;
import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One SCSI command from arrival to response: the write data gathered so far, the R2Ts out for the
 * rest, and the execution once the SCSI target has it. Event-loop confined.
 */
final class ScsiTask {

    /** One outstanding R2T: the range asked for and how much of it has come. */
    static final class Solicitation {
        final int offset;
        final int length;
        int received;
        int nextDataSN;

        Solicitation(int offset, int length) {
            this.offset = offset;
            this.length = length;
        }
    }

    final int initiatorTaskTag;
    final long lun;
    final byte[] cdb;
    final TaskAttribute attribute;
    final int expectedLength;
    final boolean read;
    final boolean write;
    final int cmdSN;
    final Map<Integer, Solicitation> solicitations = new LinkedHashMap<>();
    ByteBuf writeData;
    int received;
    boolean awaitingUnsolicited;
    int unsolicitedDataSN;
    int nextSolicitedOffset;
    int r2tSN;
    boolean queuedForSolicitation;
    boolean gathering;
    boolean delivered;
    boolean occupiesWindow;
    boolean aborted;
    CompletableFuture<ScsiResponse> execution;

    ScsiTask(ScsiCommandPdu command) {
        this.initiatorTaskTag = command.initiatorTaskTag();
        this.lun = command.lun();
        this.cdb = command.cdb();
        this.attribute = command.taskAttribute();
        this.expectedLength = command.expectedDataTransferLength();
        this.read = command.isRead();
        this.write = command.isWrite();
        this.cmdSN = command.cmdSN();
    }

    boolean allDataReceived() {
        return !write || received == expectedLength && solicitations.isEmpty() && !awaitingUnsolicited;
    }

    /** Stores write data at its offset, growing the buffer as data arrives rather than up front. */
    void accept(int offset, ByteBuf data) {
        int length = data.readableBytes();
        int needed = offset + length;
        if (writeData.capacity() < needed) {
            writeData.capacity(Math.min(expectedLength, Math.max(needed, writeData.capacity() * 2)));
        }
        writeData.setBytes(offset, data, data.readerIndex(), length);
        received += length;
    }

    /** Hands the gathered write data over; the task no longer owns it. */
    ByteBuf takeWriteData() {
        ByteBuf data = writeData;
        writeData = null;
        if (data != null) {
            data.writerIndex(expectedLength);
        }
        return data;
    }

    void releaseWriteData() {
        if (writeData != null) {
            writeData.release();
            writeData = null;
        }
    }
}
