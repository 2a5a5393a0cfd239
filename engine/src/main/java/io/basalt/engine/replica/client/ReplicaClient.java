package io.basalt.engine.replica.client;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.net.Transport;
import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.protocol.ProtocolViolationException;
import io.basalt.engine.replica.protocol.VolumeProof;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated connection to one replica on a pool server. Requests are pipelined: each returns
 * at once with a future, completed when its answer (matched by request id) arrives. A request fails
 * with a {@link ReplicaRequestFailedException} when the pool refuses it, a
 * {@link ReplicaRequestTimeoutException} when no answer comes in time, and a
 * {@link ReplicaConnectionLostException} when the connection closes first, which fails every
 * request still waiting. Requests run concurrently on the pool: order overlapping ones yourself.
 */
public final class ReplicaClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaClient.class);

    private final Channel channel;
    private final String replica;
    private final Duration requestTimeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile ReplicaState state;
    private volatile Throwable closeCause;
    /** Whether the pool sent anything since the last sweep: a flag, so that reading a frame reads no clock. */
    private boolean heardSinceSweep;
    /** The sweep that last found something heard; event loop only, like the flag. */
    private long lastHeardNanos = System.nanoTime();
    /** Whether a probe of a silent connection is under way; event loop only. */
    private boolean probing;

    /** A request waiting for its answer; {@code request} names it in a timeout's message. */
    private record Pending(CompletableFuture<Message> answer, long deadlineNanos, String request) {
    }

    private ReplicaClient(Channel channel, String replica, Duration requestTimeout) {
        this.channel = channel;
        this.replica = replica;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Fails the requests past their deadline and probes a silent connection. One sweep at a fraction
     * of the timeout, rather than a timer per request, which would cost two event loop hand-offs per
     * request.
     */
    private void startSweeps() {
        long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), requestTimeout.toNanos() / 10);
        ScheduledFuture<?> sweeps = channel.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (heardSinceSweep) {
                heardSinceSweep = false;
                lastHeardNanos = now;
            }
            failOverdue(now);
            probeIfSilent(now);
        }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(closed -> sweeps.cancel(false));
    }

    /**
     * A pool whose host died or was cut off sends no FIN or RST, so a connection with nothing to ask
     * would never learn of it: once nothing has been heard for half the request timeout, a ping
     * asks, and no answer in time closes the connection, which its owner sees as the pool leaving.
     */
    private void probeIfSilent(long now) {
        if (probing || state == null || !pending.isEmpty() || now - lastHeardNanos < requestTimeout.toNanos() / 2) {
            return;
        }
        probing = true;
        send(new Message.Ping()).whenComplete((answered, failure) -> {
            probing = false;
            if (failure instanceof ReplicaRequestTimeoutException silent) {
                LOG.warn("replica connection closed: the pool answers nothing: {} {} {}", kv("replica", replica),
                        kv("pool", String.valueOf(channel.remoteAddress())), kv("reason", silent.getMessage()));
                closeCause = silent;
                channel.close();
            }
        });
    }

    private void failOverdue(long now) {
        pending.forEach((id, waiting) -> {
            if (now - waiting.deadlineNanos() > 0 && pending.remove(id, waiting)) {
                waiting.answer().completeExceptionally(new ReplicaRequestTimeoutException(waiting.request()
                        + " to replica '" + replica + "' at " + channel.remoteAddress() + " got no answer within "
                        + requestTimeout));
            }
        });
    }

    /** An event loop group whose transport the clients use: epoll where available, NIO elsewhere. */
    public static EventLoopGroup newEventLoopGroup(int threads) {
        return Transport.CURRENT.newEventLoopGroup(threads);
    }

    /** What a connection is for, as the pool is told on connecting. */
    public enum Role {
        /**
         * The volume's target, which changes the replica. The pool serves nothing more of an older
         * writer's connection, and welcomes the new one once that connection's changes under way are
         * done: a change the target gave up on cannot land after the ones it makes since.
         */
        WRITER,
        /** Reads only, such as a pool copying from the replica to rebuild another; any number at once. */
        READER
    }

    /**
     * Connects to {@code address} and proves knowledge of {@code secret} for {@code replica}. The
     * future fails with {@link ReplicaRequestFailedException} (code AUTHENTICATION_FAILED) when the
     * pool refuses the proof. {@code group} comes from {@link #newEventLoopGroup(int)}.
     */
    public static CompletableFuture<ReplicaClient> connect(EventLoopGroup group, InetSocketAddress address,
            String replica, byte[] secret, Role role, Duration requestTimeout) {
        CompletableFuture<ReplicaClient> connected = new CompletableFuture<>();
        byte[] key = secret.clone();
        ChannelFuture connecting = new Bootstrap()
                .group(group)
                .channel(Transport.CURRENT.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, FrameCodec.receiveBuffers())
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, FrameCodec.writeBuffers())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) requestTimeout.toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ReplicaClient client = new ReplicaClient(channel, replica, requestTimeout);
                        client.startSweeps();
                        channel.pipeline().addLast(new FlushConsolidationHandler(
                                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true),
                                new FrameCodec(FrameCodec.DEFAULT_MAX_FRAME_BYTES),
                                client.new Responses(key, role, connected));
                    }
                })
                .connect(address);
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                connected.completeExceptionally(new ReplicaConnectionLostException(
                        "cannot connect to replica '" + replica + "' at " + address, done.cause()));
                return;
            }
            Channel channel = connecting.channel();
            ScheduledFuture<?> handshakeLimit = channel.eventLoop().schedule(() -> {
                if (connected.completeExceptionally(new ReplicaRequestTimeoutException("replica '" + replica
                        + "' at " + address + " did not complete the handshake within " + requestTimeout))) {
                    channel.close();
                }
            }, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
            connected.whenComplete((client, failure) -> handshakeLimit.cancel(false));
        });
        return connected;
    }

    /** The replica's state as the pool reported it when this connection was opened. */
    public ReplicaState state() {
        return state;
    }

    public String replica() {
        return replica;
    }

    /**
     * Writes the readable bytes of {@code data} at {@code offset}; with {@code fua} it is durable when
     * the future completes. Takes over one reference to {@code data}: it is released once sent, or
     * when it cannot be.
     */
    public CompletableFuture<Void> write(long offset, ByteBuf data, long sequence, long epoch, boolean fua) {
        try {
            requireDataLength(data.readableBytes());
        } catch (IllegalArgumentException e) {
            data.release();
            throw e;
        }
        return done(send(new Message.Write(offset, sequence, epoch, fua, data)));
    }

    /** Writes {@code data} at {@code offset}; see {@link #write(long, ByteBuf, long, long, boolean)}. */
    public CompletableFuture<Void> write(long offset, byte[] data, long sequence, long epoch, boolean fua) {
        return write(offset, Unpooled.wrappedBuffer(data), sequence, epoch, fua);
    }

    /** Reads {@code length} bytes at {@code offset} into a buffer that the caller owns and must release. */
    public CompletableFuture<ByteBuf> readBuffer(long offset, int length) {
        requireDataLength(length);
        return send(new Message.Read(offset, length)).thenApply(answer -> expect(Message.Data.class, answer).data());
    }

    /**
     * Reads {@code length} bytes at {@code offset} for a copy, leaving out whole blocks of zeros
     * (see {@link Message.SparseData}); the caller owns the answer's data and must release it.
     */
    public CompletableFuture<Message.SparseData> readSparse(long offset, int length) {
        requireDataLength(length);
        return send(new Message.ReadSparse(offset, length)).thenApply(answer -> {
            Message.SparseData sparse = expect(Message.SparseData.class, answer);
            if (endOfContiguous(sparse.runs(), offset) != offset + length) {
                sparse.data().release();
                channel.close();
                throw new ProtocolViolationException("replica '" + replica + "' answered a read of " + length
                        + " bytes at " + offset + " with runs " + sparse.runs());
            }
            return sparse;
        });
    }

    /** Reads {@code length} bytes at {@code offset} into an array. */
    public CompletableFuture<byte[]> read(long offset, int length) {
        return readBuffer(offset, length).thenApply(data -> {
            try {
                return ByteBufUtil.getBytes(data);
            } finally {
                data.release();
            }
        });
    }

    public CompletableFuture<Void> unmap(long offset, long length, long sequence, long epoch) {
        return done(send(new Message.Unmap(offset, length, sequence, epoch)));
    }

    /**
     * Makes every write answered so far durable; then, when {@code consistentThrough >= 0}, has the
     * replica persist that it holds every write up to that sequence.
     */
    public CompletableFuture<Void> flush(long epoch, long consistentThrough) {
        return done(send(new Message.Flush(epoch, consistentThrough)));
    }

    /**
     * Persists {@code epoch} on the replica, with the write set it is given to: {@code setSize}
     * replicas, each write acknowledged by {@code consistencyFactor}. Refused (STALE_EPOCH) when the
     * replica's epoch is newer.
     */
    public CompletableFuture<Void> setEpoch(long epoch, int setSize, int consistencyFactor) {
        return done(send(new Message.SetEpoch(epoch, setSize, consistencyFactor)));
    }

    public CompletableFuture<Void> ping() {
        return done(send(new Message.Ping()));
    }

    /** Snapshots the replica under {@code name}; a snapshot of that name already there is success. */
    public CompletableFuture<Void> snapshot(String name, long epoch) {
        return done(send(new Message.Snapshot(name, epoch)));
    }

    /** Whether the replica holds snapshot {@code name}, and since when. */
    public CompletableFuture<Message.SnapshotHeld> snapshotHeld(String name) {
        return send(new Message.QuerySnapshot(name)).thenApply(answer -> expect(Message.SnapshotHeld.class, answer));
    }

    /** Grows the replica to {@code sizeBytes}; its current size is success. */
    public CompletableFuture<Void> resize(long sizeBytes, long epoch) {
        return done(send(new Message.Resize(sizeBytes, epoch)));
    }

    /**
     * Has the replica copy [offset, offset + length) from {@code source} (a replica of the same
     * volume, named {@code sourceReplica}, on another pool) itself; see {@link Message.CopyFrom}.
     * Fails with a {@link ReplicaRequestFailedException} of code SOURCE_FAILED when the pool could
     * not read the source.
     */
    public CompletableFuture<Void> copyFrom(long offset, long length, InetSocketAddress source, String sourceReplica,
            long sequence, long epoch) {
        return done(send(new Message.CopyFrom(offset, length, source.getHostString(), source.getPort(), sourceReplica,
                sequence, epoch)));
    }

    /**
     * The allocation of [offset, offset + length) as contiguous extents from {@code offset} on; a
     * long answer stops early, so continue from the end of the last extent.
     */
    public CompletableFuture<List<Message.Extent>> allocation(long offset, long length) {
        return send(new Message.Allocation(offset, length)).thenApply(answer -> {
            List<Message.Extent> extents = expect(Message.Extents.class, answer).extents();
            long end = endOfContiguous(extents, offset);
            // an answer may stop short of the range (the caller asks again from where it ends), not skip a part
            if (extents.isEmpty() || end < 0 || end > offset + length) {
                channel.close();
                throw new ProtocolViolationException("replica '" + replica + "' answered for the allocation of "
                        + length + " bytes at " + offset + " with " + extents);
            }
            return extents;
        });
    }

    /** Where {@code runs}, each following the one before from {@code offset}, end; -1 where one does not. */
    private static long endOfContiguous(List<Message.Extent> runs, long offset) {
        long next = offset;
        for (Message.Extent run : runs) {
            if (run.offset() != next || run.length() <= 0) {
                return -1;
            }
            next = run.end();
        }
        return next;
    }

    /** One page of the regions written since the replica's last consistent-through mark. */
    public CompletableFuture<Message.WrittenRegions> writtenRegions(long fromRegion) {
        return send(new Message.QueryWrittenRegions(fromRegion))
                .thenApply(answer -> expect(Message.WrittenRegions.class, answer));
    }

    /**
     * The CRC32C of the content of up to {@link Message.RegionChecksums#MAX_REGIONS} regions of
     * {@link Message.WrittenRegions#REGION_BYTES} from {@code fromRegion}, computed on the pool.
     */
    public CompletableFuture<int[]> regionChecksums(long fromRegion, int count) {
        return send(new Message.RegionChecksums(fromRegion, count))
                .thenApply(answer -> expect(Message.Checksums.class, answer).crcs());
    }

    /** Starts closing the connection without waiting: safe on an event loop. */
    public void closeAsync() {
        channel.close();
    }

    /** Whether the connection is still open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Completes when the connection closes, for whatever reason. */
    public CompletableFuture<Void> closed() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(done -> closed.complete(null));
        return closed;
    }

    /** Why the connection closed, as far as this side knows, for a status to say. */
    public String closeReason() {
        Throwable cause = closeCause;
        return cause == null ? "connection to the pool closed" : "connection to the pool closed: " + cause.getMessage();
    }

    /** Closes the connection; requests still waiting fail with {@link ReplicaConnectionLostException}. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Larger transfers are split by the caller: a frame holds at most {@link FrameCodec#MAX_DATA_BYTES}. */
    private static void requireDataLength(int length) {
        if (length < 0 || length > FrameCodec.MAX_DATA_BYTES) {
            throw new IllegalArgumentException("one request moves 0 to " + FrameCodec.MAX_DATA_BYTES + " bytes, not "
                    + length);
        }
    }

    private CompletableFuture<Void> done(CompletableFuture<Message> answer) {
        return answer.thenApply(message -> {
            expect(Message.Done.class, message);
            return null;
        });
    }

    private <T extends Message> T expect(Class<T> type, Message answer) {
        if (!type.isInstance(answer)) {
            ReferenceCountUtil.release(answer.carried());
            ProtocolViolationException violation = new ProtocolViolationException("replica '" + replica
                    + "' answered with " + answer.getClass().getSimpleName() + " where " + type.getSimpleName()
                    + " was due");
            channel.close();
            throw violation;
        }
        return type.cast(answer);
    }

    private CompletableFuture<Message> send(Message request) {
        long id = ids.incrementAndGet();
        CompletableFuture<Message> answer = new CompletableFuture<>();
        if (!channel.isActive()) {
            ReferenceCountUtil.release(request.carried());
            answer.completeExceptionally(lost(closeCause));
            return answer;
        }
        pending.put(id, new Pending(answer, System.nanoTime() + requestTimeout.toNanos(),
                request.getClass().getSimpleName()));
        // No promise per request: a write that fails closes the connection (exceptionCaught), which
        // fails every request waiting, this one included. One that closed before this request was
        // waiting is seen here: the channel is inactive before its waiting requests are failed.
        channel.writeAndFlush(new Frame(id, request), channel.voidPromise());
        if (!channel.isActive()) {
            fail(id, lost(closeCause));
        }
        return answer;
    }

    private void fail(long id, Throwable failure) {
        Pending waiting = pending.remove(id);
        if (waiting != null) {
            waiting.answer().completeExceptionally(failure);
        }
    }

    private ReplicaConnectionLostException lost(Throwable cause) {
        return new ReplicaConnectionLostException("connection to replica '" + replica + "' at "
                + channel.remoteAddress() + " is closed", cause);
    }

    /** Answers the server's challenge, then routes each answer to the request with its id. */
    private final class Responses extends SimpleChannelInboundHandler<Frame> {

        private final byte[] secret;
        private final Role role;
        private final CompletableFuture<ReplicaClient> connected;

        Responses(byte[] secret, Role role, CompletableFuture<ReplicaClient> connected) {
            this.secret = secret;
            this.role = role;
            this.connected = connected;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            heardSinceSweep = true;
            if (frame.message() instanceof Message.Challenge challenge) {
                handshake(challenge);
                return;
            }
            Pending waiting = pending.remove(frame.requestId());
            if (waiting == null) {
                return; // its request timed out already
            }
            if (frame.message() instanceof Message.Failure failure) {
                waiting.answer().completeExceptionally(new ReplicaRequestFailedException(failure.code(),
                        failure.message()));
            } else if (!waiting.answer().complete(frame.retain().message())) {
                frame.release(); // this handler releases the frame's own reference after the read
            }
        }

        private void handshake(Message.Challenge challenge) {
            send(new Message.Hello(replica, role == Role.WRITER, VolumeProof.compute(secret, challenge.nonce(), replica)))
                    .thenApply(answer -> expect(Message.Welcome.class, answer))
                    .whenComplete((welcome, failure) -> {
                        if (failure != null) {
                            if (connected.completeExceptionally(
                                    failure instanceof CompletionException ? failure.getCause() : failure)) {
                                channel.close();
                            }
                            return;
                        }
                        state = new ReplicaState(welcome.sizeBytes(), welcome.epoch(), welcome.epochSetSize(),
                                welcome.epochConsistencyFactor(), welcome.consistentThrough(),
                                welcome.unflushedWritesMayBeLost());
                        if (!connected.complete(ReplicaClient.this)) {
                            channel.close();
                        }
                    });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ReplicaConnectionLostException failure = lost(closeCause);
            connected.completeExceptionally(failure);
            for (Long id : pending.keySet()) {
                fail(id, failure);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeCause = cause;
            ctx.close();
        }
    }
}
