package io.basalt.operator.engine;

/**
 * The operator's only way to the engine processes: the management API of a pool server or of a
 * volume's target at a HOST:PORT. Production dials over the network; tests reach engines in process.
 */
public interface EngineClients extends AutoCloseable {

    /** The management API of the pool server at {@code address} (its Service's cluster IP and port 9501). */
    PoolApi pool(String address);

    /** The management API of the target at {@code address} (its Service's cluster IP and port 9502). */
    TargetApi target(String address);

    @Override
    void close();
}
