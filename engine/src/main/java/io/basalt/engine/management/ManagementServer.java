package io.basalt.engine.management;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC server of an engine process's management API, on a TCP address. */
public final class ManagementServer implements AutoCloseable {

    private final Server server;

    private ManagementServer(Server server) {
        this.server = server;
    }

    /** Serves {@code service} on {@code listen}; port 0 picks a free one (see {@link #address()}). */
    public static ManagementServer start(InetSocketAddress listen, BindableService service) throws IOException {
        return new ManagementServer(NettyServerBuilder.forAddress(listen).addService(service).build().start());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().getFirst();
    }

    /** Stops taking calls, gives the running ones a moment to finish, then cancels the rest. */
    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
