package io.basalt.driver.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC server of the CSI services, on a unix domain socket through Netty's epoll transport. */
public final class CsiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CsiServer.class);

    private final CsiEndpoint endpoint;
    private final Readiness readiness;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Server server;

    private CsiServer(CsiEndpoint endpoint, Readiness readiness, EventLoopGroup bossGroup,
                      EventLoopGroup workerGroup, Server server) {
        this.endpoint = endpoint;
        this.readiness = readiness;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.server = server;
    }

    /**
     * Binds the endpoint and starts serving {@code services}.
     *
     * @throws EndpointException when the endpoint cannot be used
     */
    @SuppressWarnings("deprecation") // EpollEventLoopGroup is what grpc-netty-shaded's Netty offers
    public static CsiServer start(CsiEndpoint endpoint, Readiness readiness, List<BindableService> services) {
        if (!Epoll.isAvailable()) {
            throw new EndpointException("unix domain sockets need Netty's epoll transport, which is unavailable here: "
                    + Epoll.unavailabilityCause());
        }
        SocketFile.prepare(endpoint.socketPath());
        EventLoopGroup boss = new EpollEventLoopGroup(1);
        EventLoopGroup workers = new EpollEventLoopGroup(2);
        NettyServerBuilder builder = NettyServerBuilder
                .forAddress(new DomainSocketAddress(endpoint.socketPath().toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers);
        CallLog callLog = new CallLog();
        services.forEach(service -> builder.addService(ServerInterceptors.intercept(service, callLog)));
        try {
            Server server = builder.build().start();
            readiness.serving();
            LOG.atInfo().addKeyValue("endpoint", endpoint.toString())
                    .log("serving CSI on {}", endpoint);
            return new CsiServer(endpoint, readiness, boss, workers, server);
        } catch (IOException e) {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
            throw new EndpointException("cannot serve on " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** Stops taking calls, lets calls in flight finish within {@code grace}, then cuts the rest. */
    public void shutdown(Duration grace) throws InterruptedException {
        readiness.draining();
        server.shutdown();
        if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("calls still running after {}; cancelling them", grace);
            server.shutdownNow().awaitTermination();
        }
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        SocketFile.remove(endpoint.socketPath());
        LOG.info("stopped serving on {}", endpoint);
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() throws InterruptedException {
        shutdown(Duration.ofSeconds(5));
    }
}
