package io.basalt.engine.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.PoolManagementService;
import io.basalt.engine.management.PoolSpace;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.server.ReplicaProtocolServer;
import io.basalt.engine.replica.server.ReplicaSecrets;
import io.basalt.engine.replica.server.ServerLimits;
import io.basalt.engine.replica.store.ReplicaPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Keeps the replicas of many volumes in one directory and serves their management API until SIGTERM or SIGINT. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = "Serve a replica pool: the replicas of many volumes kept in one directory.")
public final class PoolCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(PoolCommand.class);

    @Option(names = "--dir", required = true, description = "Directory of the pool (created if missing).")
    private Path dir;

    @Option(names = "--mgmt", required = true, converter = HostPort.Converter.class,
            description = "HOST:PORT of the gRPC management API (replicas, snapshots, space).")
    private HostPort mgmt;

    @Option(names = "--listen", converter = HostPort.Converter.class,
            description = "HOST:PORT of the replica data protocol for targets (default: not served).")
    private HostPort listen;

    @Option(names = "--io-threads", defaultValue = "8",
            description = "Threads running replica reads, writes and flushes for every connection (default: ${DEFAULT-VALUE}).")
    private int ioThreads;

    @Option(names = "--max-in-flight", defaultValue = "64",
            description = "Requests of one connection served at once; beyond it reading pauses (default: ${DEFAULT-VALUE}).")
    private int maxInFlight;

    @Option(names = "--capacity", converter = ByteSize.class,
            description = "Bytes the pool may hold at most (default: its file system's size); "
                    + "K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
    private long capacity;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = TerminationSignals.latch();
        ReplicaPool pool;
        ReplicaSecrets secrets;
        try {
            pool = ReplicaPool.open(dir);
        } catch (IOException e) {
            LOG.error("cannot open the replica pool: {} {}", kv("dir", dir.toString()), kv("reason", e.getMessage()));
            return 1;
        }
        ManagementServer management = null;
        ReplicaProtocolServer data = null;
        try {
            try {
                secrets = ReplicaSecrets.open(dir);
            } catch (IOException e) {
                LOG.error("cannot read the volume secrets: {} {}", kv("dir", dir.toString()), kv("reason", e.getMessage()));
                return 1;
            }
            try {
                management = ManagementServer.start(mgmt.socketAddress(),
                        new PoolManagementService(pool, new PoolSpace(dir, capacity), secrets));
            } catch (IOException e) {
                LOG.error("cannot serve the management API: {} {}", kv("mgmt", mgmt.toString()),
                        kv("reason", e.getMessage()));
                return 1;
            }
            if (listen != null) {
                try {
                    data = ReplicaProtocolServer.start(listen.socketAddress(), pool, secrets,
                            new ServerLimits(ioThreads, maxInFlight, FrameCodec.DEFAULT_MAX_FRAME_BYTES));
                } catch (IOException | RuntimeException e) {
                    LOG.error("cannot serve the replica protocol: {} {}", kv("listen", listen.toString()),
                            kv("reason", e.getMessage()));
                    return 1;
                }
            }
            InetSocketAddress bound = management.address();
            LOG.info("replica pool ready: {} {} {} {} {}", kv("dir", dir.toString()),
                    kv("mgmt", hostPort(bound).toString()),
                    kv("listen", data == null ? null : hostPort(data.address()).toString()),
                    kv("replicas", pool.replicaNames().size()), kv("capacityCapBytes", capacity));
            stop.await();
            LOG.info("stopping replica pool: {}", kv("dir", dir.toString()));
        } finally {
            if (data != null) {
                data.close();
            }
            if (management != null) {
                management.close();
            }
            pool.close();
        }
        LOG.info("replica pool stopped: {}", kv("dir", dir.toString()));
        return 0;
    }

    private static HostPort hostPort(InetSocketAddress address) {
        return new HostPort(address.getHostString(), address.getPort());
    }
}
