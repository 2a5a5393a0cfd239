package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.pdu.NopInPdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings an initiator that has been silent for a whole interval with a NOP-In that asks for an answer
 * (RFC 7143 11.19) and drops the connection when none comes in time, so that dead initiators do
 * not hold sessions forever. Event-loop confined.
 */
final class InitiatorPinger {

    private static final Logger LOG = LoggerFactory.getLogger(InitiatorPinger.class);

    private final ChannelHandlerContext ctx;
    private final SequenceNumbers sequence;
    private final long intervalNanos;
    private final long timeoutNanos;
    private boolean activeSinceLastCheck;
    private int nextTag = 1;
    private int outstandingTag = Pdu.RESERVED_TAG;
    private ScheduledFuture<?> check;
    private ScheduledFuture<?> timeout;

    InitiatorPinger(ChannelHandlerContext ctx, SequenceNumbers sequence, Duration interval, Duration timeout) {
        this.ctx = ctx;
        this.sequence = sequence;
        this.intervalNanos = interval.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    void start() {
        if (intervalNanos > 0) {
            check = ctx.executor().scheduleWithFixedDelay(this::pingIfIdle, intervalNanos, intervalNanos,
                    TimeUnit.NANOSECONDS);
        }
    }

    void activity() {
        activeSinceLastCheck = true;
    }

    /** A NOP-Out answering a ping arrived. */
    void answered(int targetTransferTag) {
        if (targetTransferTag == outstandingTag) {
            outstandingTag = Pdu.RESERVED_TAG;
            timeout.cancel(false);
        }
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
        }
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    private void pingIfIdle() {
        boolean idle = !activeSinceLastCheck;
        activeSinceLastCheck = false;
        if (!idle || outstandingTag != Pdu.RESERVED_TAG) {
            return;
        }
        int tag = nextTag;
        nextTag = nextTag + 1 == Pdu.RESERVED_TAG ? 1 : nextTag + 1;
        outstandingTag = tag;
        NopInPdu ping = new NopInPdu(Pdu.RESERVED_TAG, tag, 0, Unpooled.EMPTY_BUFFER);
        sequence.stamp(ping);
        ctx.writeAndFlush(ping, ctx.voidPromise());
        timeout = ctx.executor().schedule(() -> {
            if (outstandingTag == tag) {
                LOG.warn("initiator did not answer a ping in time, dropping connection {}", ctx.channel().remoteAddress());
                ctx.close();
            }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
}
