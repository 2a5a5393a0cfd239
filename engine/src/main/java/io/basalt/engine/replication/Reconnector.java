package io.basalt.engine.replication;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects to replicas (authenticated), and keeps retrying offline ones with a doubling backoff
 * (the shortest one while the volume lacks its quorum).
 */
final class Reconnector {

    private static final Logger LOG = LoggerFactory.getLogger(Reconnector.class);

    private final WriteSet writeSet;
    private final EventLoopGroup group;
    private final ScheduledExecutorService scheduler;
    private final byte[] secret;
    private final ReplicationSettings settings;
    private final Map<Member, Duration> backoff = new ConcurrentHashMap<>();
    private final Map<Member, Boolean> scheduled = new ConcurrentHashMap<>();
    private volatile BiConsumer<Member, ReplicaClient> onConnected = (member, client) -> client.closeAsync();
    private volatile boolean closed;

    Reconnector(WriteSet writeSet, EventLoopGroup group, ScheduledExecutorService scheduler, byte[] secret,
            ReplicationSettings settings) {
        this.writeSet = writeSet;
        this.group = group;
        this.scheduler = scheduler;
        this.secret = secret.clone();
        this.settings = settings;
    }

    /** Who takes a replica that connected again (to rebuild it). */
    void onConnected(BiConsumer<Member, ReplicaClient> listener) {
        onConnected = listener;
    }

    /**
     * Opens an authenticated connection to {@code member}; when it closes while the member still
     * uses it, the member leaves the write set.
     */
    CompletableFuture<ReplicaClient> connect(Member member) {
        return ReplicaClient.connect(group, member.endpoint().socketAddress(), member.name(), secret,
                ReplicaClient.Role.WRITER, settings.requestTimeout()).thenApply(client -> {
                    client.closed().thenRun(() -> writeSet.eject(member, client, client.closeReason()));
                    return client;
                });
    }

    /**
     * Tries {@code member} again after its backoff, unless a try is already due. While the volume
     * lacks its quorum the backoff stays at its shortest: writes wait for the first replica back.
     */
    void retry(Member member) {
        if (closed || member.removed() || scheduled.putIfAbsent(member, Boolean.TRUE) != null) {
            return;
        }
        Duration grown = backoff.getOrDefault(member, settings.reconnectBackoff());
        backoff.put(member, min(grown.multipliedBy(2), settings.maxReconnectBackoff()));
        Duration delay = writeSet.online() ? grown : settings.reconnectBackoff();
        scheduler.schedule(() -> attempt(member), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt(Member member) {
        scheduled.remove(member);
        if (closed || member.removed()) {
            return;
        }
        synchronized (writeSet) {
            if (member.client() != null) {
                return;
            }
        }
        connect(member).whenComplete((client, failure) -> {
            if (failure != null) {
                synchronized (writeSet) {
                    if (member.client() == null) {
                        member.become(MemberMode.OFFLINE, "cannot connect: " + Failures.describe(failure));
                    }
                }
                retry(member);
                return;
            }
            backoff.remove(member);
            LOG.info("replica reachable again: {} {} {}", kv("volume", writeSet.volume()),
                    kv("replica", member.toString()), kv("epoch", client.state().epoch()));
            onConnected.accept(member, client);
        });
    }

    void close() {
        closed = true;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
