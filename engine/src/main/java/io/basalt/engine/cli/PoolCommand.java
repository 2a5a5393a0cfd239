package io.basalt.engine.cli;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.management.ManagementServer;
import io.basalt.engine.management.PoolManagementService;
import io.basalt.engine.management.PoolSpace;
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

    @Option(names = "--capacity", converter = ByteSize.class,
            description = "Bytes the pool may hold at most (default: its file system's size); "
                    + "K/M/G/T and Ki/Mi/Gi/Ti suffixes are powers of 1024.")
    private long capacity;

    @Override
    public Integer call() throws Exception {
        CountDownLatch stop = TerminationSignals.latch();
        ReplicaPool pool;
        try {
            pool = ReplicaPool.open(dir);
        } catch (IOException e) {
            LOG.error("cannot open the replica pool: {} {}", kv("dir", dir.toString()), kv("reason", e.getMessage()));
            return 1;
        }
        ManagementServer management = null;
        try {
            try {
                management = ManagementServer.start(mgmt.socketAddress(),
                        new PoolManagementService(pool, new PoolSpace(dir, capacity)));
            } catch (IOException e) {
                LOG.error("cannot serve the management API: {} {}", kv("mgmt", mgmt.toString()),
                        kv("reason", e.getMessage()));
                return 1;
            }
            InetSocketAddress bound = management.address();
            LOG.info("replica pool ready: {} {} {} {}", kv("dir", dir.toString()),
                    kv("mgmt", new HostPort(bound.getHostString(), bound.getPort()).toString()),
                    kv("replicas", pool.replicaNames().size()), kv("capacityCapBytes", capacity));
            stop.await();
            LOG.info("stopping replica pool: {}", kv("dir", dir.toString()));
        } finally {
            if (management != null) {
                management.close();
            }
            pool.close();
        }
        LOG.info("replica pool stopped: {}", kv("dir", dir.toString()));
        return 0;
    }
}
