package io.basalt.engine.replica.server;

/**
 * Bounds of the replica protocol server.
 *
 * @param workerThreads threads that run the blocking store calls of every connection
 * @param maxInFlightPerConnection requests of one connection being served at once; beyond it the
 *        server stops reading from that connection until some finish
 * @param maxFrameBytes the longest frame accepted or sent
 */
public record ServerLimits(int workerThreads, int maxInFlightPerConnection, int maxFrameBytes) {

    public ServerLimits {
        if (workerThreads < 1 || maxInFlightPerConnection < 1 || maxFrameBytes < 1024) {
            throw new IllegalArgumentException("server limits out of range: " + workerThreads + " threads, "
                    + maxInFlightPerConnection + " in flight, " + maxFrameBytes + " bytes per frame");
        }
    }
}
