package io.basalt.engine.iscsi;

import io.basalt.engine.iscsi.codec.DigestSettings;
import io.basalt.engine.iscsi.codec.PduDecoder;
import io.basalt.engine.iscsi.codec.PduEncoder;
import io.basalt.engine.iscsi.connection.IscsiConnection;
import io.basalt.engine.iscsi.session.Session;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.net.AcceptedConnections;
import io.basalt.engine.net.Transport;
import io.basalt.engine.scsi.ScsiTarget;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The iSCSI target's network side: accepts connections and gives each its pipeline. */
public final class IscsiServer implements AutoCloseable {

    private final TargetConfig config;
    private final ScsiTarget target;
    private final SessionRegistry registry;
    /** The connections' event loops when they are shared with the device (not closed here), else null. */
    private final EventLoopGroup sharedConnectionLoops;
    /** Every accepted connection, logged in or not, to close with the server. */
    private final AcceptedConnections connections = new AcceptedConnections();
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    /** A server whose connections run on event loops of its own. */
    public IscsiServer(TargetConfig config, ScsiTarget target) {
        this(config, target, null);
    }

    /**
     * A server whose connections run on {@code connectionLoops}, which the caller owns: a device
     * whose I/O runs on the same loops answers without a thread hand-off.
     */
    public IscsiServer(TargetConfig config, ScsiTarget target, EventLoopGroup connectionLoops) {
        this.config = config;
        this.target = target;
        this.registry = new SessionRegistry(target, config.targetPortName());
        this.sharedConnectionLoops = connectionLoops;
    }

    /** Binds the listening socket; returns the bound address (useful with port 0). */
    public InetSocketAddress start(InetSocketAddress listen) throws InterruptedException {
        IoHandlerFactory io = Transport.CURRENT.ioHandlers();
        Class<? extends ServerChannel> channelType = Transport.CURRENT.serverChannel();
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = sharedConnectionLoops != null ? sharedConnectionLoops : new MultiThreadIoEventLoopGroup(io);
        serverChannel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        DigestSettings digests = new DigestSettings(config.limits().maxRecvDataSegmentLength());
                        channel.pipeline().addLast(
                                new FlushConsolidationHandler(64, true),
                                new PduDecoder(digests),
                                new PduEncoder(digests),
                                new IscsiConnection(config, registry, target, digests));
                    }
                })
                .bind(listen).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The sessions logged in now. */
    public List<Session> sessions() {
        return registry.sessions();
    }

    /** Stops accepting, closes every session and waits for the event loops to finish. */
    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        registry.closeAll();
        if (bossGroup != null) {
            connections.closeAll(workerGroup);
            if (sharedConnectionLoops == null) {
                workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
            }
            bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
