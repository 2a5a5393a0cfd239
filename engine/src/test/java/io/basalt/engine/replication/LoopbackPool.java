package io.basalt.engine.replication;

import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.server.ReplicaProtocolServer;
import io.basalt.engine.replica.server.ReplicaSecrets;
import io.basalt.engine.replica.server.ServerLimits;
import io.basalt.engine.replica.store.ReplicaPool;
import io.basalt.testbed.FreePort;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.UUID;

/** A real pool and replica protocol server in this process, on loopback, that a test stops and starts again. */
public final class LoopbackPool implements AutoCloseable {

    private final Path dir;
    /** Kept across restarts, as a pool's address is. */
    private final int port = FreePort.onLoopback();
    /** The boot of the machine it runs on, as the kernel names it. */
    private String boot = UUID.randomUUID().toString();
    private ReplicaPool pool;
    private ReplicaProtocolServer server;

    public LoopbackPool(Path dir, String replica, long size, byte[] secret) throws Exception {
        this.dir = dir;
        ReplicaPool created = ReplicaPool.open(dir, boot);
        created.create(replica, size);
        ReplicaSecrets.open(dir).store(replica, secret);
        created.close();
        start();
    }

    public void start() throws Exception {
        pool = ReplicaPool.open(dir, boot);
        server = ReplicaProtocolServer.start(new InetSocketAddress("127.0.0.1", port), pool, ReplicaSecrets.open(dir),
                new ServerLimits(4, 64, FrameCodec.DEFAULT_MAX_FRAME_BYTES));
    }

    /** Starts again as after its machine restarted, which loses what was written and not flushed. */
    public void startAfterMachineRestart() throws Exception {
        boot = UUID.randomUUID().toString();
        start();
    }

    /** Stops serving: connections close, as when the pool process dies. */
    public void stop() throws Exception {
        server.close();
        pool.close();
        server = null;
    }

    public ReplicaPool pool() {
        return pool;
    }

    /** The pool's directory, for a test to open its store while it is stopped. */
    public Path dir() {
        return dir;
    }

    public ReplicaEndpoint endpoint(String replica) {
        return new ReplicaEndpoint(replica, "127.0.0.1", port);
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            stop();
        }
    }
}
