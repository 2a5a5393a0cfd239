package io.basalt.engine.replication;

import java.net.InetSocketAddress;

/** A replica: its name on its pool and the address of that pool's replica protocol. */
public record ReplicaEndpoint(String name, String host, int port) {

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port); // resolved at each connection attempt
    }

    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return name + "@" + address();
    }
}
