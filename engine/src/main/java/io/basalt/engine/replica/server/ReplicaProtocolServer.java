package io.basalt.engine.replica.server;

import io.basalt.engine.net.AcceptedConnections;
import io.basalt.engine.net.Transport;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.store.ReplicaPool;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Serves the replica protocol for every replica of a pool. */
public final class ReplicaProtocolServer implements AutoCloseable {

    /**
     * How long a pool waits for another pool it copies from to answer one request: well within the
     * time a target gives the copy as a whole, so that the target learns that the source failed.
     */
    private static final Duration SOURCE_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final RegionPuller puller;
    private final Channel serverChannel;
    private final AcceptedConnections connections;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReplicaProtocolServer(EventLoopGroup group, ExecutorService workers, RegionPuller puller,
            Channel serverChannel, AcceptedConnections connections) {
        this.group = group;
        this.workers = workers;
        this.puller = puller;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    public static ReplicaProtocolServer start(InetSocketAddress listen, ReplicaPool pool, ReplicaSecrets secrets,
            ServerLimits limits) throws IOException, InterruptedException {
        IoHandlerFactory io = Transport.CURRENT.ioHandlers();
        Class<? extends ServerChannel> channelType = Transport.CURRENT.serverChannel();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(io);
        ExecutorService workers = Executors.newFixedThreadPool(limits.workerThreads(),
                Thread.ofPlatform().name("replica-io-", 0).daemon().factory());
        EpochGate epochs = new EpochGate();
        WrittenRegionLog writtenRegions = new WrittenRegionLog();
        WriterSessions writers = new WriterSessions();
        RegionPuller puller = new RegionPuller(secrets, epochs, writtenRegions, workers, SOURCE_REQUEST_TIMEOUT);
        int maxReadBytes = limits.maxFrameBytes() - FrameCodec.FRAME_OVERHEAD_BYTES;
        AcceptedConnections connections = new AcceptedConnections();
        try {
            ChannelFuture bound = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, FrameCodec.receiveBuffers())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, FrameCodec.writeBuffers())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            connections.add(channel);
                            channel.pipeline().addLast(new FlushConsolidationHandler(
                                            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                                    new FrameCodec(limits.maxFrameBytes()),
                                    new ReplicaSession(pool, secrets, epochs, writtenRegions, puller, writers, workers, limits,
                                            maxReadBytes));
                        }
                    })
                    .bind(listen).await();
            if (!bound.isSuccess()) {
                throw new IOException("cannot listen on " + listen + ": " + bound.cause().getMessage(), bound.cause());
            }
            return new ReplicaProtocolServer(group, workers, puller, bound.channel(), connections);
        } catch (IOException | InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            puller.close();
            workers.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Stops accepting, lets the store calls under way finish and answer (connections refuse new
     * requests by closing), then closes every connection. Closing again does nothing.
     */
    @Override
    public void close() throws InterruptedException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        serverChannel.close().sync();
        puller.close();
        workers.shutdown();
        workers.awaitTermination(30, TimeUnit.SECONDS);
        connections.closeAll(group);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }
}
