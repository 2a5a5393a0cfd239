package io.basalt.engine.scsi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;

/**
 * One command being executed against a logical unit, with helpers its handler needs.
 *
 * @param cdb the CDB cut to the command's own length (transports may pad it to 16 bytes)
 */
public record Task(ScsiCommand command, LogicalUnit unit, byte[] cdb) {

    public Nexus nexus() {
        return command.nexus();
    }

    /** GOOD with {@code data} cut to the allocation length. */
    public static CompletableFuture<ScsiResponse> dataIn(byte[] data, int allocationLength) {
        return CompletableFuture.completedFuture(dataInResponse(data, allocationLength));
    }

    /** GOOD with {@code data} cut to the allocation length. */
    public static ScsiResponse dataInResponse(byte[] data, int allocationLength) {
        int length = Math.min(data.length, allocationLength);
        return ScsiResponse.good(length == 0 ? null : Unpooled.wrappedBuffer(data, 0, length), length);
    }

    /** GOOD without data. */
    public static CompletableFuture<ScsiResponse> good() {
        return CompletableFuture.completedFuture(ScsiResponse.status(ScsiResponse.GOOD, 0));
    }

    /** The bytes of data-out the initiator sent. */
    public int dataOutLength() {
        ByteBuf data = command.dataOut();
        return data == null ? 0 : data.readableBytes();
    }

    /**
     * The first {@code length} bytes of data-out, as a view of the transport's buffer that stays
     * valid until the command completes.
     *
     * @throws CommandException INVALID FIELD IN COMMAND INFORMATION UNIT when fewer were sent
     */
    public ByteBuf dataOut(int length) {
        if (dataOutLength() < length) {
            throw CommandException.checkCondition(Sense.invalidFieldInInformationUnit());
        }
        ByteBuf data = command.dataOut();
        return data == null ? Unpooled.EMPTY_BUFFER : data.slice(data.readerIndex(), length);
    }

    /** Like {@link #dataOut(int)}, but data-out of any other length is refused. */
    public ByteBuf exactDataOut(int length) {
        if (dataOutLength() != length) {
            throw CommandException.checkCondition(Sense.invalidFieldInInformationUnit());
        }
        return dataOut(length);
    }

    /** A parameter list (small data-out) copied into an array. */
    public byte[] parameterList(int length) {
        return ByteBufUtil.getBytes(dataOut(length));
    }
}
