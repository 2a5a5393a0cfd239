package io.basalt.sandbox.tour;

import io.basalt.engine.management.v1.ListReplicasRequest;
import io.basalt.engine.management.v1.PoolManagementGrpc;
import io.basalt.engine.management.v1.ReplicaInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The replicas a pool server holds, asked over its management API (PoolManagement.ListReplicas). */
public final class PoolReplicas {

    private PoolReplicas() {
    }

    public static List<String> names(String host, int port) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            return PoolManagementGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listReplicas(ListReplicasRequest.getDefaultInstance()).getReplicasList().stream()
                    .map(ReplicaInfo::getName).toList();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
