package io.basalt.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port on the loopback address that nothing listens on right now, for a server a test starts
 * (and may start again on the same port). It is taken below the kernel's ephemeral range: a port
 * from that range can be taken by any outgoing connection (a target reconnecting to its pools) before
 * the server binds it, or while it is down between two runs, and the bind then fails.
 */
public final class FreePort {

    private static final int LOWEST = 20_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Ports this process handed out already: two servers of one test must not be given the same. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePort() {
    }

    public static int onLoopback() {
        int ephemeralStart = ephemeralRangeStart();
        if (ephemeralStart - LOWEST < 1_000) {
            return anyFree(); // the ephemeral range leaves no room below it: take what the kernel gives
        }
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            if (HANDED_OUT.add(port) && nothingListensOn(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + LOWEST + " and " + ephemeralStart);
    }

    private static boolean nothingListensOn(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** A port the kernel picks, never one handed out before: it may pick a port again once it is closed. */
    private static int anyFree() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on the loopback address", e);
            }
        }
        throw new IllegalStateException("the kernel offered only loopback ports handed out already");
    }

    private static int ephemeralRangeStart() {
        try {
            // by lines: Files.readString trusts the file's size, and a /proc file may report 1 byte
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unknown) {
            return 32_768; // Linux's default
        }
    }
}
