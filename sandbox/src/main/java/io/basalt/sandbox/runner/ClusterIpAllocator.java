package io.basalt.sandbox.runner;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out loopback addresses as cluster IPs: every address of 127/8 reaches this machine on Linux,
 * so each Service (and the one pod behind it) gets its own address and every pod can listen on the
 * ports its manifest names. The /24 is chosen at random, away from 127.0.0.0/24, so that two sandboxes
 * on one machine do not meet.
 */
final class ClusterIpAllocator {

    private final String prefix;
    private final Deque<String> released = new ArrayDeque<>();
    private int next = 1;

    ClusterIpAllocator() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        this.prefix = "127." + random.nextInt(1, 255) + "." + random.nextInt(0, 256) + ".";
    }

    synchronized String allocate() {
        if (!released.isEmpty()) {
            return released.removeFirst();
        }
        if (next > 254) {
            throw new IllegalStateException("no cluster IP left in " + prefix + "0/24");
        }
        return prefix + next++;
    }

    synchronized void release(String ip) {
        if (ip.startsWith(prefix)) {
            released.addLast(ip);
        }
    }
}
