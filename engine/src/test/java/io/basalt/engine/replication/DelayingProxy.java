package io.basalt.engine.replication;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback in front of a pool: what the target sends reaches the pool after a delay
 * the test sets (order kept), and the bytes the pool sends back and the connections are counted, so
 * a test can slow one replica down and see which replicas answered reads and who connected how often.
 */
final class DelayingProxy implements AutoCloseable {

    private static final long CLOSE_CHECK_NANOS = 100_000_000;

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final ServerSocket listener;
    private final InetSocketAddress pool;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesFromPool = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile long delayNanos;
    private volatile boolean closed;

    DelayingProxy(InetSocketAddress pool) throws IOException {
        this.pool = pool;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    ReplicaEndpoint endpoint(String replica) {
        return new ReplicaEndpoint(replica, "127.0.0.1", listener.getLocalPort());
    }

    /** Requests sent from now on reach the pool {@code delay} later. */
    void delay(Duration delay) {
        delayNanos = delay.toNanos();
    }

    /** Bytes the pool has sent back through the proxy: answers, read data above all. */
    long bytesFromPool() {
        return bytesFromPool.get();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                connections.incrementAndGet();
                Socket upstream = new Socket(pool.getAddress(), pool.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                BlockingQueue<Chunk> delayed = new LinkedBlockingQueue<>();
                Thread.ofVirtual().start(() -> receive(client, upstream, delayed));
                Thread.ofVirtual().start(() -> deliver(delayed, upstream, client));
                Thread.ofVirtual().start(() -> answer(upstream, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void receive(Socket client, Socket upstream, BlockingQueue<Chunk> delayed) {
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = client.getInputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                delayed.add(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
            }
        } catch (IOException e) {
            // the connection went away
        }
        delayed.add(new Chunk(0, null));
        closeQuietly(upstream);
    }

    private void deliver(BlockingQueue<Chunk> delayed, Socket upstream, Socket client) {
        try (OutputStream out = upstream.getOutputStream()) {
            while (true) {
                Chunk chunk = delayed.take();
                if (chunk.bytes() == null) {
                    return;
                }
                long wait;
                while ((wait = chunk.dueNanos() - System.nanoTime()) > 0 && !closed) {
                    LockSupport.parkNanos(Math.min(wait, CLOSE_CHECK_NANOS));
                }
                out.write(chunk.bytes());
            }
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    private void answer(Socket upstream, Socket client) {
        byte[] buffer = new byte[64 << 10];
        try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                bytesFromPool.addAndGet(read);
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            // the connection went away
        }
        closeQuietly(client);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        sockets.forEach(DelayingProxy::closeQuietly);
    }
}
