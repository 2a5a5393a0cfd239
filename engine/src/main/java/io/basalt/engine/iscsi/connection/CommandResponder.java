package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.pdu.DataInPdu;
import io.basalt.engine.iscsi.pdu.Residual;
import io.basalt.engine.iscsi.pdu.ScsiResponsePdu;
import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.scsi.ScsiResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;

/**
 * Sends a finished command's data and status: Data-In PDUs no longer than the initiator's
 * MaxRecvDataSegmentLength, sequences no longer than MaxBurstLength, the status folded into the
 * last Data-In when there is no sense data, otherwise a SCSI Response (RFC 7143 11.4, 11.7).
 */
final class CommandResponder {

    private final ChannelHandlerContext ctx;
    private final SequenceNumbers sequence;
    private final OperationalParameters parameters;

    CommandResponder(ChannelHandlerContext ctx, SequenceNumbers sequence, OperationalParameters parameters) {
        this.ctx = ctx;
        this.sequence = sequence;
        this.parameters = parameters;
    }

    void respond(ScsiTask task, ScsiResponse response) {
        long expected = task.expectedLength & 0xffffffffL;
        ByteBuf dataIn = response.dataIn();
        int toSend = task.read && dataIn != null ? (int) Math.min(dataIn.readableBytes(), expected) : 0;
        long transferred = task.read ? toSend : task.write ? Math.min(response.transferLength(), expected) : 0;
        Residual residual = Residual.of(expected, response.transferLength(), transferred);
        boolean collapse = toSend > 0 && response.sense().length == 0;
        int dataSN = 0;
        try {
            int maxSegment = parameters.maxSendDataSegmentLength();
            int maxBurst = parameters.maxBurstLength();
            for (int offset = 0; offset < toSend; ) {
                int burstLeft = maxBurst - offset % maxBurst;
                int length = Math.min(Math.min(maxSegment, burstLeft), toSend - offset);
                boolean last = offset + length == toSend;
                DataInPdu pdu = new DataInPdu(task.initiatorTaskTag, task.lun, dataSN++, offset,
                        last || length == burstLeft, dataIn.retainedSlice(dataIn.readerIndex() + offset, length));
                if (last && collapse) {
                    pdu.withStatus(response.status(), residual);
                    sequence.stampWithNewStatSN(pdu);
                } else {
                    sequence.stamp(pdu);
                }
                ctx.write(pdu, ctx.voidPromise());
                offset += length;
            }
        } finally {
            if (dataIn != null) {
                dataIn.release();
            }
        }
        if (!collapse) {
            int expDataSN = task.read ? dataSN : task.r2tSN;
            ScsiResponsePdu status = new ScsiResponsePdu(task.initiatorTaskTag, response.status(), residual,
                    expDataSN, senseSegment(response.sense()));
            sequence.stampWithNewStatSN(status);
            ctx.write(status, ctx.voidPromise());
        }
        ctx.flush();
    }

    /** Sense data goes after a two-byte SenseLength (RFC 7143 11.4.7). */
    private ByteBuf senseSegment(byte[] sense) {
        if (sense.length == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf segment = ctx.alloc().buffer(2 + sense.length);
        segment.writeShort(sense.length);
        segment.writeBytes(sense);
        return segment;
    }
}
