package io.basalt.engine.replica.server;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.Frame;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.protocol.VolumeProof;
import io.basalt.engine.replica.store.EpochQuorum;
import io.basalt.engine.replica.store.Replica;
import io.basalt.engine.replica.store.ReplicaPool;
import io.basalt.engine.replica.store.UnknownReplicaException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: challenges the client, binds the connection to the replica it proved it may use,
 * then serves its requests. Small (non-FUA) writes, and small reads the page cache holds, are
 * served on the event loop as they arrive and answered together once the read from the socket is
 * done: they are memory copies, which cost less than the two thread hand-offs a worker would add.
 * The first write after a mark is not: it persists that the replica changed, with fsyncs, which
 * would hold up every connection of the loop.
 * A read that would wait for the disk goes to a worker, so that cold reads still run in parallel.
 * The rest (durable writes, flushes, large transfers, snapshots, resizes, checksums) runs on the
 * worker executor, several at a time. Requests run concurrently, so the client orders overlapping
 * ones itself, as an initiator does with a disk. State other than the replica is touched on the
 * event loop only.
 *
 * <p>What one connection can hold of the pool's memory is bounded: with its limit of requests in
 * flight reached, or answers piled up that the client does not read (the channel unwritable), the
 * session reads nothing more, and the frames already read wait in order until it may serve them.
 */
final class ReplicaSession extends SimpleChannelInboundHandler<Frame> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSession.class);
    /** Cached reads and (non-FUA) writes up to this size are served on the event loop. */
    private static final int SMALL_REQUEST_BYTES = 64 << 10;

    private final ReplicaPool pool;
    private final ReplicaSecrets secrets;
    private final EpochGate epochs;
    private final WrittenRegionLog writtenRegions;
    private final RegionPuller puller;
    private final WriterSessions writers;
    private final Executor workers;
    private final ServerLimits limits;
    private final int maxReadBytes;
    private byte[] nonce;
    private CallsUnderWay calls;
    private volatile Replica replica;
    private final Queue<Frame> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean handshaking;

    ReplicaSession(ReplicaPool pool, ReplicaSecrets secrets, EpochGate epochs, WrittenRegionLog writtenRegions,
            RegionPuller puller, WriterSessions writers, Executor workers, ServerLimits limits, int maxReadBytes) {
        this.pool = pool;
        this.secrets = secrets;
        this.epochs = epochs;
        this.writtenRegions = writtenRegions;
        this.puller = puller;
        this.writers = writers;
        this.workers = workers;
        this.limits = limits;
        this.maxReadBytes = maxReadBytes;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        nonce = VolumeProof.newNonce();
        calls = new CallsUnderWay(() -> {
            LOG.info("replica protocol connection superseded by a newer writer's; closing it: {} {}",
                    kv("replica", String.valueOf(replica)), kv("peer", String.valueOf(ctx.channel().remoteAddress())));
            ctx.channel().close();
        });
        ctx.writeAndFlush(new Frame(0, new Message.Challenge(nonce)));
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        if (!waiting.isEmpty() || !mayServe(ctx)) {
            waiting.add(frame.retain()); // held until served: it outlives this read
            ctx.channel().config().setAutoRead(false);
            return;
        }
        receive(ctx, frame);
    }

    /** Whether a request may be served now, or must wait for answers to go out first. */
    private boolean mayServe(ChannelHandlerContext ctx) {
        return !handshaking && inFlight < limits.maxInFlightPerConnection() && ctx.channel().isWritable();
    }

    /**
     * Serves the requests that waited, as far as it may, and reads from the connection again once
     * none waits; answers served here on the event loop are sent at once, as no read ends to send them.
     */
    private void resume(ChannelHandlerContext ctx) {
        boolean served = false;
        while (!waiting.isEmpty() && mayServe(ctx)) {
            Frame frame = waiting.poll();
            try {
                receive(ctx, frame);
            } finally {
                frame.release();
            }
            served = true;
        }
        if (served) {
            ctx.flush();
        }
        ctx.channel().config().setAutoRead(waiting.isEmpty() && mayServe(ctx));
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        resume(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (Frame frame = waiting.poll(); frame != null; frame = waiting.poll()) {
            frame.release();
        }
        ctx.fireChannelInactive();
    }

    private void receive(ChannelHandlerContext ctx, Frame frame) {
        if (frame.message() instanceof Message.Hello hello) {
            handshake(ctx, frame.requestId(), hello);
            return;
        }
        if (replica == null) {
            ctx.writeAndFlush(new Frame(frame.requestId(),
                    new Message.Failure(ErrorCode.NOT_AUTHENTICATED, "send HELLO first")));
            return;
        }
        if (!calls.begin()) {
            return; // closing: its writer has gone on over a newer connection
        }
        Message inline;
        try {
            inline = servedInline(ctx, frame.message());
        } finally {
            calls.end();
        }
        if (inline != null) {
            ctx.write(new Frame(frame.requestId(), inline), ctx.voidPromise());
            return;
        }
        admit(ctx);
        if (frame.message() instanceof Message.CopyFrom copy) {
            long requestId = frame.requestId();
            if (!calls.begin()) {
                return;
            }
            puller.copy(replica, copy, () -> ctx.channel().isActive() && !calls.superseded())
                    .whenComplete((answer, failure) -> calls.end())
                    .thenAccept(answer -> answerLater(ctx, new Frame(requestId, answer)));
            return;
        }
        frame.retain(); // held until served: it outlives this read
        dispatch(ctx, frame);
    }

    /** Sends an answer computed off the event loop. */
    private void answerLater(ChannelHandlerContext ctx, Frame answer) {
        try {
            ctx.executor().execute(() -> finished(ctx, answer));
        } catch (RejectedExecutionException e) {
            answer.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** The answer to a request served on the event loop, or null when it is for a worker. */
    private Message servedInline(ChannelHandlerContext ctx, Message request) {
        return switch (request) {
            case Message.Write write when !write.fua() && write.data().readableBytes() <= SMALL_REQUEST_BYTES
                    && replica.changedSinceMark() -> serve(ctx, write);
            case Message.Read read when read.length() >= 0 && read.length() <= SMALL_REQUEST_BYTES ->
                    cachedRead(ctx, read);
            // a client's probe of a silent connection: busy workers must not make a live pool look dead
            case Message.Ping ping -> serve(ctx, ping);
            default -> null;
        };
    }

    /**
     * A read answered from the page cache, or null when some of it is not there (or anything else
     * stands in the way): the worker then reads it and reports any error.
     */
    private Message cachedRead(ChannelHandlerContext ctx, Message.Read read) {
        ByteBuf data = ctx.alloc().directBuffer(read.length());
        try {
            if (replica.readCached(read.offset(), data.nioBuffer(0, read.length()))) {
                data.writerIndex(read.length());
                return new Message.Data(data);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cached read declined: {} {}", kv("replica", replica.name()), kv("reason", e.toString()));
        }
        data.release();
        return null;
    }

    /**
     * Looks the replica up on a worker (the pool's lock can be held by a snapshot or merge) and reads
     * nothing more from the connection until the answer is out; a writer's connection is welcomed once
     * the one it supersedes is done (see {@link WriterSessions}).
     */
    private void handshake(ChannelHandlerContext ctx, long requestId, Message.Hello hello) {
        if (replica != null || handshaking) {
            ctx.writeAndFlush(new Frame(requestId, new Message.Failure(ErrorCode.INVALID_REQUEST,
                    "this connection has sent its HELLO already")));
            return;
        }
        handshaking = true;
        ctx.channel().config().setAutoRead(false);
        try {
            workers.execute(() -> answerHello(ctx, hello).whenComplete((answer, failure) ->
                    ctx.executor().execute(() -> {
                        handshaking = false;
                        if (failure != null) {
                            stopping(ctx);
                            return;
                        }
                        ctx.writeAndFlush(new Frame(requestId, answer));
                        resume(ctx);
                    })));
        } catch (RejectedExecutionException e) {
            stopping(ctx);
        }
    }

    private CompletableFuture<Message> answerHello(ChannelHandlerContext ctx, Message.Hello hello) {
        Replica candidate = authenticated(ctx, hello);
        if (candidate == null) {
            return CompletableFuture.completedFuture(new Message.Failure(ErrorCode.AUTHENTICATION_FAILED,
                    "no replica '" + hello.replica() + "' accepts this proof"));
        }
        CompletableFuture<Void> ready = hello.writer() ? writers.bind(candidate.name(), calls)
                : CompletableFuture.completedFuture(null);
        if (ready.isDone()) {
            return CompletableFuture.completedFuture(welcome(ctx, candidate));
        }
        // the state as the superseded connection's last changes left it, read on a worker as the lookup was
        return ready.thenApplyAsync(done -> welcome(ctx, candidate), workers);
    }

    /** The replica {@code hello} proved it may use, or null. */
    private Replica authenticated(ChannelHandlerContext ctx, Message.Hello hello) {
        Optional<byte[]> secret = secrets.secret(hello.replica());
        Replica candidate;
        try {
            candidate = pool.replica(hello.replica());
        } catch (UnknownReplicaException e) {
            candidate = null;
        }
        // the same answer for an unknown replica and a wrong proof, so that names cannot be probed
        if (candidate == null || secret.isEmpty() || !VolumeProof.verify(secret.get(), nonce, hello.replica(),
                hello.proof())) {
            LOG.warn("replica protocol authentication refused: {} {}", kv("replica", hello.replica()),
                    kv("peer", String.valueOf(ctx.channel().remoteAddress())));
            return null;
        }
        return candidate;
    }

    private Message welcome(ChannelHandlerContext ctx, Replica candidate) {
        replica = candidate; // published before the welcome is written, so every later request sees it
        LOG.info("replica protocol connection bound: {} {}", kv("replica", candidate.name()),
                kv("peer", String.valueOf(ctx.channel().remoteAddress())));
        EpochQuorum quorum = candidate.epochQuorum();
        return new Message.Welcome(candidate.size(), candidate.epoch(), quorum.setSize(), quorum.consistencyFactor(),
                candidate.consistentThrough(), candidate.unflushedWritesMayBeLost());
    }

    /** Counts a request in flight; at the limit, reads nothing more from the connection until some finish. */
    private void admit(ChannelHandlerContext ctx) {
        inFlight++;
        if (inFlight >= limits.maxInFlightPerConnection()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * Serves {@code frame} on a worker, releasing it once served, and answers it on the event loop.
     * A request whose connection has closed, or been superseded, before a worker took it is dropped:
     * its sender counts it as failed, and may since have changed the range over another connection,
     * which it would undo.
     */
    private void dispatch(ChannelHandlerContext ctx, Frame frame) {
        try {
            workers.execute(() -> {
                if (!ctx.channel().isActive() || !calls.begin()) {
                    frame.release();
                    return;
                }
                Frame answer;
                try {
                    answer = new Frame(frame.requestId(), serve(ctx, frame.message()));
                } finally {
                    frame.release();
                    calls.end();
                }
                answerLater(ctx, answer);
            });
        } catch (RejectedExecutionException e) {
            frame.release();
            stopping(ctx);
        }
    }

    private static void stopping(ChannelHandlerContext ctx) {
        LOG.warn("replica protocol server is stopping; closing connection: {}",
                kv("peer", String.valueOf(ctx.channel().remoteAddress())));
        ctx.close();
    }

    private void finished(ChannelHandlerContext ctx, Frame answer) {
        ctx.writeAndFlush(answer, ctx.voidPromise());
        inFlight--;
        resume(ctx);
    }

    private Message serve(ChannelHandlerContext ctx, Message request) {
        Replica target = replica;
        try {
            return switch (request) {
                case Message.Write write -> epochChecked(target, write.epoch(), () -> {
                    int length = write.data().readableBytes();
                    target.write(write.offset(), write.data().nioBuffer(), write.sequence());
                    if (write.fua()) {
                        target.flush();
                    }
                    writtenRegions.written(target, write.offset(), length, write.sequence());
                });
                case Message.Unmap unmap -> epochChecked(target, unmap.epoch(), () -> {
                    target.unmap(unmap.offset(), unmap.length(), unmap.sequence());
                    writtenRegions.written(target, unmap.offset(), unmap.length(), unmap.sequence());
                });
                case Message.Flush flush -> epochChecked(target, flush.epoch(), () -> {
                    target.flush();
                    if (flush.consistentThrough() >= 0) {
                        target.markConsistentThrough(flush.consistentThrough());
                        writtenRegions.marked(target, flush.consistentThrough());
                    }
                });
                case Message.Read read -> read(ctx, target, read.offset(), read.length(), false);
                case Message.ReadSparse read -> read(ctx, target, read.offset(), read.length(), true);
                case Message.SetEpoch set -> epochs.advance(target, set.epoch(),
                        new EpochQuorum(set.setSize(), set.consistencyFactor()))
                        ? new Message.Done() : stale(target, set.epoch());
                case Message.Ping ping -> new Message.Done();
                case Message.Snapshot snapshot -> epochChecked(target, snapshot.epoch(), () -> snapshot(target,
                        snapshot.name()));
                case Message.QuerySnapshot query -> snapshotHeld(target, query.name());
                case Message.Resize resize -> epochChecked(target, resize.epoch(), () -> {
                    if (resize.sizeBytes() != target.size()) {
                        target.resize(resize.sizeBytes());
                    }
                });
                case Message.Allocation allocation -> AllocationAnswer.of(target, allocation.offset(),
                        allocation.length());
                case Message.QueryWrittenRegions query -> writtenRegions.page(target, query.fromRegion());
                case Message.RegionChecksums query -> regionChecksums(target, query);
                default -> new Message.Failure(ErrorCode.INVALID_REQUEST,
                        request.getClass().getSimpleName() + " is not a request");
            };
        } catch (IndexOutOfBoundsException e) {
            return new Message.Failure(ErrorCode.OUT_OF_RANGE, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Message.Failure(ErrorCode.INVALID_REQUEST, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.error("replica request failed: {} {} {}", kv("replica", target.name()),
                    kv("request", request.getClass().getSimpleName()), kv("reason", String.valueOf(e.getMessage())));
            return new Message.Failure(ErrorCode.IO_ERROR, "replica '" + target.name() + "': " + e.getMessage());
        }
    }

    private static Message regionChecksums(Replica target, Message.RegionChecksums query) throws IOException {
        int regionBytes = Message.WrittenRegions.REGION_BYTES;
        long regions = (target.size() + regionBytes - 1) / regionBytes;
        if (query.fromRegion() < 0 || query.fromRegion() >= regions || query.count() < 1
                || query.count() > Message.RegionChecksums.MAX_REGIONS) {
            return new Message.Failure(ErrorCode.OUT_OF_RANGE, "regions " + query.fromRegion() + "+" + query.count()
                    + " are not 1 to " + Message.RegionChecksums.MAX_REGIONS + " of the " + regions
                    + " regions of replica '" + target.name() + "'");
        }
        int count = (int) Math.min(query.count(), regions - query.fromRegion());
        return new Message.Checksums(target.regionChecksums(query.fromRegion() * regionBytes, regionBytes, count));
    }

    /** Retries are safe: a snapshot of that name already taken is success. */
    private static void snapshot(Replica target, String name) throws IOException {
        boolean taken = target.listSnapshots().stream().anyMatch(snapshot -> snapshot.name().equals(name));
        if (!taken) {
            target.snapshot(name);
        }
    }

    private static Message snapshotHeld(Replica target, String name) {
        return target.listSnapshots().stream().filter(snapshot -> snapshot.name().equals(name)).findFirst()
                .map(snapshot -> new Message.SnapshotHeld(true, snapshot.created().toEpochMilli()))
                .orElseGet(() -> new Message.SnapshotHeld(false, 0));
    }

    /**
     * Reads into a pooled direct buffer, which the answer's frame releases once it is sent; for a
     * copy ({@code sparse}), the answer leaves the blocks of zeros out.
     */
    private Message read(ChannelHandlerContext ctx, Replica target, long offset, int length, boolean sparse)
            throws IOException {
        if (length < 0 || length > maxReadBytes) {
            return new Message.Failure(ErrorCode.INVALID_REQUEST,
                    "a read has 0 to " + maxReadBytes + " bytes, not " + length);
        }
        ByteBuf data = ctx.alloc().directBuffer(length);
        try {
            target.read(offset, data.nioBuffer(0, length));
            data.writerIndex(length);
        } catch (IOException | RuntimeException e) {
            data.release();
            throw e;
        }
        return sparse ? sparse(ctx, offset, data) : new Message.Data(data);
    }

    /** {@code data}, read at {@code offset}, as runs and the bytes of those holding data: slices of it. */
    private static Message.SparseData sparse(ChannelHandlerContext ctx, long offset, ByteBuf data) {
        List<Message.Extent> runs = SparseRuns.of(offset, data);
        List<Message.Extent> mapped = runs.stream().filter(Message.Extent::mapped).toList();
        if (mapped.size() == 1 && mapped.getFirst().length() == data.readableBytes()) {
            return new Message.SparseData(runs, data);
        }
        CompositeByteBuf packed = ctx.alloc().compositeDirectBuffer(Math.max(2, mapped.size()));
        for (Message.Extent run : mapped) {
            packed.addComponent(true, data.retainedSlice((int) (run.offset() - offset), (int) run.length()));
        }
        data.release();
        return new Message.SparseData(runs, packed);
    }

    private Message epochChecked(Replica target, long epoch, EpochGate.Change change) throws IOException {
        return epochs.underEpoch(target, epoch, change) ? new Message.Done() : stale(target, epoch);
    }

    private static Message stale(Replica target, long epoch) {
        return new Message.Failure(ErrorCode.STALE_EPOCH, "replica '" + target.name() + "' is at epoch "
                + target.epoch() + "; a request of epoch " + epoch + " is refused");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("replica protocol connection closed after a violation: {} {}",
                kv("peer", String.valueOf(ctx.channel().remoteAddress())), kv("reason", String.valueOf(cause.getMessage())));
        ctx.close();
    }
}
