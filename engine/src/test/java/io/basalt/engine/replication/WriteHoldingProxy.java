package io.basalt.engine.replication;

import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A replica protocol proxy on loopback in front of a pool, which passes frames on one by one and,
 * when the test says so, keeps the writes the target sends from the pool (a replica that lags), its
 * resizes (a growth under way) or the copies it asks for (a rebuild's copy that takes long), later
 * to pass them on or to answer them with a failure (a pool that cannot write, say for lack of
 * space), while the connection stays up. It notes the kind of each frame it passes on.
 */
final class WriteHoldingProxy implements AutoCloseable {

    private record HeldRequest(Channel target, Channel toPool, Frame frame) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final InetSocketAddress pool;
    private final Channel listener;
    private final List<HeldRequest> held = new CopyOnWriteArrayList<>();
    private final List<Class<? extends Message>> passed = new CopyOnWriteArrayList<>();
    /** The kinds of request kept from the pool. */
    private final Set<Class<? extends Message>> holding = ConcurrentHashMap.newKeySet();

    WriteHoldingProxy(InetSocketAddress pool) throws InterruptedException {
        this.pool = pool;
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false) // until the pool side is connected
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel target) {
                        target.pipeline().addLast(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES),
                                new FromTarget(target));
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    ReplicaEndpoint endpoint(String replica) {
        return new ReplicaEndpoint(replica, "127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort());
    }

    /** Writes sent from now on are kept from the pool, unanswered. */
    void holdWrites() {
        holding.add(Message.Write.class);
    }

    /** Resizes sent from now on are kept from the pool, unanswered. */
    void holdResizes() {
        holding.add(Message.Resize.class);
    }

    /** Copies asked for from now on are kept from the pool, unanswered. */
    void holdCopies() {
        holding.add(Message.CopyFrom.class);
    }

    /** The kinds of the frames passed on to the pool so far, in the order the pool got them. */
    List<Class<? extends Message>> passedToPool() {
        return List.copyOf(passed);
    }

    /** How many requests are held. */
    int held() {
        return held.size();
    }

    /**
     * Answers every held request with {@code code}, as the pool would if it failed them, and passes
     * the requests that follow on to the pool.
     */
    void failHeld(ErrorCode code, String message) {
        holding.clear();
        for (HeldRequest request : takeHeld()) {
            request.target().writeAndFlush(new Frame(request.frame().requestId(), new Message.Failure(code, message)));
            request.frame().release();
        }
    }

    /** Passes the held requests on to the pool, as those that follow; those of closed connections are dropped. */
    void passHeld() {
        holding.clear();
        pass(takeHeld());
    }

    /** Passes the held copies on to the pool, as the copies that follow; other requests stay held. */
    void passHeldCopies() {
        holding.remove(Message.CopyFrom.class);
        List<HeldRequest> copies = held.stream()
                .filter(request -> request.frame().message() instanceof Message.CopyFrom).toList();
        held.removeAll(copies);
        pass(copies);
    }

    private void pass(List<HeldRequest> requests) {
        for (HeldRequest request : requests) {
            if (request.toPool().isActive()) {
                passOn(request.toPool(), request.frame());
            } else {
                request.frame().release();
            }
        }
    }

    private void passOn(Channel toPool, Frame frame) {
        passed.add(frame.message().getClass());
        toPool.writeAndFlush(frame);
    }

    private List<HeldRequest> takeHeld() {
        List<HeldRequest> taken = List.copyOf(held);
        held.removeAll(taken);
        return taken;
    }

    /** Accepts no more connections: the replica behind it stays away once its connection is gone. */
    void refuseConnections() {
        listener.close().syncUninterruptibly();
    }

    @Override
    public void close() {
        takeHeld().forEach(request -> request.frame().release());
        listener.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Frames from the target: passed on to the pool, but for the requests held. */
    private final class FromTarget extends ChannelInboundHandlerAdapter {

        private final Channel target;
        private Channel toPool;

        FromTarget(Channel target) {
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES),
                                    new FromPool(target));
                        }
                    })
                    .connect(pool).addListener((ChannelFuture connected) -> {
                        if (!connected.isSuccess()) {
                            target.close();
                            return;
                        }
                        toPool = connected.channel();
                        target.config().setAutoRead(true);
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            Frame frame = (Frame) message;
            if (holding.contains(frame.message().getClass())) {
                held.add(new HeldRequest(target, toPool, frame));
                return;
            }
            passOn(toPool, frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (toPool != null) {
                toPool.close();
            }
        }
    }

    /** Frames from the pool: passed on to the target. */
    private static final class FromPool extends ChannelInboundHandlerAdapter {

        private final Channel target;

        FromPool(Channel target) {
            this.target = target;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            target.writeAndFlush(message);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            target.close();
        }
    }
}
