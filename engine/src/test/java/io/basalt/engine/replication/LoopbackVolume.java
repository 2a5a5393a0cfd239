package io.basalt.engine.replication;

import io.basalt.engine.replica.client.ReplicaClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A replicated volume for tests: real pools in this process on loopback, each holding one replica
 * of the volume, optional proxies in front of them, and the devices opened on them.
 * Registered as an extension on a test instance, it starts its pools in a fresh temporary directory
 * before each test; after it, it closes every device, proxy and pool and deletes the directory.
 */
public final class LoopbackVolume implements BeforeEachCallback, AfterEachCallback {

    public static final String VOLUME = "vol";
    public static final byte[] SECRET = "replicated-volume-secret".getBytes(StandardCharsets.UTF_8);

    private final int poolCount;
    private final long size;
    private Path dir;
    private final List<LoopbackPool> pools = new ArrayList<>();
    private final List<AutoCloseable> proxies = new ArrayList<>();
    private final List<ReplicatedBlockDevice> devices = new ArrayList<>();
    private EventLoopGroup loop;

    /** {@code poolCount} pools, each with an empty replica of {@code size} bytes. */
    public LoopbackVolume(int poolCount, long size) {
        this.poolCount = poolCount;
        this.size = size;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("loopback-volume-");
        loop = ReplicaClient.newEventLoopGroup(1);
        for (int i = 0; i < poolCount; i++) {
            addPool();
        }
    }

    /** One more pool with an empty replica of the volume. */
    public LoopbackPool addPool() throws Exception {
        LoopbackPool pool = new LoopbackPool(dir.resolve("pool-" + pools.size()), VOLUME, size, SECRET);
        pools.add(pool);
        return pool;
    }

    public LoopbackPool pool(int index) {
        return pools.get(index);
    }

    public ReplicaEndpoint endpoint(int index) {
        return pools.get(index).endpoint(VOLUME);
    }

    /** A proxy in front of pool {@code index}; the replica reached through it is {@link DelayingProxy#endpoint}. */
    DelayingProxy proxy(int index) throws IOException {
        DelayingProxy proxy = new DelayingProxy(endpoint(index).socketAddress());
        proxies.add(proxy);
        return proxy;
    }

    /** A proxy in front of pool {@code index} that can hold writes back; see {@link WriteHoldingProxy}. */
    WriteHoldingProxy writeHoldingProxy(int index) throws InterruptedException {
        WriteHoldingProxy proxy = new WriteHoldingProxy(endpoint(index).socketAddress());
        proxies.add(proxy);
        return proxy;
    }

    /** Opens the volume on {@code replicas} and waits until it serves. */
    public ReplicatedBlockDevice open(List<ReplicaEndpoint> replicas, ReplicationSettings settings) throws Exception {
        ReplicatedBlockDevice device = start(replicas, settings);
        device.ready().get(60, TimeUnit.SECONDS);
        return device;
    }

    /** Opens the volume on {@code replicas} in the background (see {@link ReplicatedBlockDevice#ready()}). */
    public ReplicatedBlockDevice start(List<ReplicaEndpoint> replicas, ReplicationSettings settings) {
        ReplicatedBlockDevice device = ReplicatedBlockDevice.open(VOLUME, replicas, SECRET, settings, 512, loop);
        devices.add(device);
        return device;
    }

    /** Opens the volume on the first {@code count} pools directly, with the default settings for CF 2. */
    public ReplicatedBlockDevice openOnPools(int count) throws Exception {
        return openOnPools(count, ReplicationSettings.defaults(2));
    }

    /** Opens the volume on the first {@code count} pools directly. */
    public ReplicatedBlockDevice openOnPools(int count, ReplicationSettings settings) throws Exception {
        List<ReplicaEndpoint> replicas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            replicas.add(endpoint(i));
        }
        return open(replicas, settings);
    }

    /** Closes a device before the volume is closed, as when its target stops. */
    public void closeDevice(ReplicatedBlockDevice device) {
        device.close();
        devices.remove(device);
    }

    /** The replica's whole content on pool {@code index}, read from the pool's store. */
    public byte[] content(int index) throws IOException {
        return pools.get(index).pool().replica(VOLUME).read(0, (int) size);
    }

    public static void write(ReplicatedBlockDevice device, long offset, byte[] data) throws Exception {
        device.write(offset, Unpooled.wrappedBuffer(data), false).get(30, TimeUnit.SECONDS);
    }

    public static byte[] read(ReplicatedBlockDevice device, long offset, int length) throws Exception {
        return bytes(device.read(offset, length));
    }

    /** The bytes {@code read} comes to within 30 s, its buffer released. */
    public static byte[] bytes(CompletableFuture<ByteBuf> read) throws Exception {
        ByteBuf buffer = read.get(30, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    public static byte[] pattern(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            devices.forEach(ReplicatedBlockDevice::close);
            if (loop != null) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            for (AutoCloseable proxy : proxies) {
                proxy.close();
            }
            for (LoopbackPool pool : pools) {
                pool.close();
            }
        } finally {
            if (dir != null) {
                deleteDirectory();
            }
        }
    }

    private void deleteDirectory() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
