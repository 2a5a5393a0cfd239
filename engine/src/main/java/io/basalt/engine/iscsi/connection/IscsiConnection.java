package io.basalt.engine.iscsi.connection;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.codec.DataDigestMismatch;
import io.basalt.engine.iscsi.codec.DigestSettings;
import io.basalt.engine.iscsi.codec.PduFramingException;
import io.basalt.engine.iscsi.login.LoginNegotiation;
import io.basalt.engine.iscsi.login.LoginStep;
import io.basalt.engine.iscsi.pdu.LoginRequestPdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.RejectPdu;
import io.basalt.engine.iscsi.session.Session;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.scsi.ScsiTarget;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One iSCSI connection: the login phase, then the full feature phase; framing errors drop it.
 * Reading pauses while the channel cannot take more writes.
 */
public final class IscsiConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiConnection.class);
    /** How long a connection may take to log in. */
    public static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(30);

    private final TargetConfig config;
    private final SessionRegistry registry;
    private final ScsiTarget target;
    private final DigestSettings digests;
    private LoginNegotiation login;
    private SequenceNumbers sequence;
    private Session session;
    private FullFeaturePhase fullFeature;
    private ScheduledFuture<?> loginTimeout;

    public IscsiConnection(TargetConfig config, SessionRegistry registry, ScsiTarget target, DigestSettings digests) {
        this.config = config;
        this.registry = registry;
        this.target = target;
        this.digests = digests;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        login = new LoginNegotiation(config, registry, ctx.alloc(), () -> ctx.channel().close());
        loginTimeout = ctx.executor().schedule(() -> {
            if (fullFeature == null) {
                LOG.info("login not finished in time, closing {}", kv("remote", ctx.channel().remoteAddress()));
                ctx.close();
            }
        }, LOGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (fullFeature != null) {
            switch (msg) {
                case Pdu pdu -> fullFeature.receive(pdu);
                case DataDigestMismatch mismatch -> fullFeature.dataDigestError(mismatch.bhs());
                default -> ReferenceCountUtil.release(msg);
            }
            return;
        }
        try {
            if (msg instanceof LoginRequestPdu request && session == null) {
                login(ctx, request);
            } else {
                LOG.info("not a Login Request during login, closing {}", kv("remote", ctx.channel().remoteAddress()));
                ctx.close();
            }
        } finally {
            if (msg instanceof Pdu pdu) {
                pdu.release();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private void login(ChannelHandlerContext ctx, LoginRequestPdu request) {
        if (sequence == null) {
            sequence = new SequenceNumbers(config.commandWindow(), 1, request.cmdSN());
        }
        LoginStep step = login.handle(request);
        sequence.stampWithNewStatSN(step.response());
        if (step.failed()) {
            LOG.warn("login rejected: {} {} {} {}", kv("initiator", login.initiatorName()),
                    kv("remote", ctx.channel().remoteAddress()), kv("status", step.failure().status()),
                    kv("reason", step.failure().getMessage()));
            ctx.writeAndFlush(step.response()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(step.response(), ctx.voidPromise());
        if (step.established()) {
            session = step.session();
            loginTimeout.cancel(false);
            digests.enable(session.parameters().headerDigest(), session.parameters().dataDigest());
            fullFeature = new FullFeaturePhase(ctx, session, target, config, sequence, registry::closeAll);
            LOG.info("session established: {} {} {} {} {} {}", kv("initiator", session.key().initiatorPortName()),
                    kv("tsih", session.tsih()), kv("type", session.type()), kv("remote", ctx.channel().remoteAddress()),
                    kv("headerDigest", session.parameters().headerDigest()),
                    kv("dataDigest", session.parameters().dataDigest()));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loginTimeout.cancel(false);
        login.release();
        if (fullFeature != null) {
            fullFeature.close();
        }
        if (session != null) {
            registry.remove(session);
            LOG.info("session closed: {} {}", kv("initiator", session.key().initiatorPortName()), kv("tsih", session.tsih()));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PduFramingException framing) {
            LOG.warn("dropping connection: {} {}", kv("remote", ctx.channel().remoteAddress()),
                    kv("reason", framing.getMessage()));
            if (framing.rejectedBhs() != null && fullFeature != null) {
                fullFeature.reject(RejectPdu.PROTOCOL_ERROR, framing.rejectedBhs());
            }
        } else {
            LOG.warn("dropping connection after an error: {}", kv("remote", ctx.channel().remoteAddress()), cause);
        }
        ctx.close();
    }
}
