package io.basalt.operator.engine;

import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.TargetManagementGrpc;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Engine clients over gRPC: one channel per address, kept while the operator runs, and a deadline on
 * every call so that an engine that hangs shows as unreachable instead of stalling a reconciler.
 */
public final class GrpcEngineClients implements EngineClients {

    private final Function<String, ManagedChannel> opener;
    private final Duration deadline;
    private final ConcurrentMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    /**
     * @param opener opens a channel to an address (plaintext: the management ports are reached only
     *        inside the cluster)
     * @param deadline how long one call may take
     */
    public GrpcEngineClients(Function<String, ManagedChannel> opener, Duration deadline) {
        this.opener = opener;
        this.deadline = deadline;
    }

    /** Clients that dial HOST:PORT over TCP. */
    public static GrpcEngineClients network(Duration deadline) {
        return new GrpcEngineClients(address -> NettyChannelBuilder.forTarget(address).usePlaintext().build(),
                deadline);
    }

    @Override
    public PoolApi pool(String address) {
        return new PoolApi(address, PoolManagementGrpc.newBlockingStub(channel(address)), deadline);
    }

    @Override
    public TargetApi target(String address) {
        return new TargetApi(address, TargetManagementGrpc.newBlockingStub(channel(address)), deadline);
    }

    private ManagedChannel channel(String address) {
        ManagedChannel channel = channels.computeIfAbsent(address, opener);
        // A pool or target that was down is asked again at once when polled, not after the channel's
        // reconnect backoff, which grows to minutes.
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            channel.resetConnectBackoff();
        }
        return channel;
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        channels.clear();
    }
}
