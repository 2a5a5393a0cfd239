package io.basalt.engine.replica.server;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.basalt.engine.replica.client.ReplicaClient;
import io.basalt.engine.replica.protocol.ErrorCode;
import io.basalt.engine.replica.protocol.FrameCodec;
import io.basalt.engine.replica.protocol.Message;
import io.basalt.engine.replica.store.Replica;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link Message.CopyFrom}: reads a range from a replica of the same volume on another pool,
 * as a client of that pool, and applies it to a replica here. The data crosses the network once,
 * from pool to pool, rather than through the target, which only says what to copy. Nothing here
 * blocks a thread: the source is read asynchronously and each store call is a task of its own on
 * the workers. Connections to a source stay open a moment after a copy for the copies that follow.
 * A copy stops once its requester has gone: that target counts it as failed, and may since have
 * sent newer writes to the range, which what the copy read before them must not overwrite.
 */
final class RegionPuller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RegionPuller.class);
    /** How long a connection to a source waits for the next copy before it is closed. */
    static final Duration IDLE_CONNECTION = Duration.ofSeconds(2);
    /** The most of a copy read from its source at once; a target's rebuild asks for no more per copy. */
    static final long WINDOW_BYTES = 8L << 20;

    private final EventLoopGroup group = ReplicaClient.newEventLoopGroup(1);
    private final ReplicaSecrets secrets;
    private final EpochGate epochs;
    private final WrittenRegionLog writtenRegions;
    private final Executor workers;
    private final Duration requestTimeout;
    private final ConcurrentMap<Source, Queue<ReplicaClient>> idle = new ConcurrentHashMap<>();

    /** A source replica as one replica here reads it: connections prove the secret of the replica here. */
    private record Source(InetSocketAddress address, String replica, String reader) {
    }

    /** A failure of the replica here (not of the source), answered with its own code. */
    private static final class LocalFailure extends RuntimeException {
        private final ErrorCode code;

        LocalFailure(ErrorCode code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }
    }

    RegionPuller(ReplicaSecrets secrets, EpochGate epochs, WrittenRegionLog writtenRegions, Executor workers,
            Duration requestTimeout) {
        this.secrets = secrets;
        this.epochs = epochs;
        this.writtenRegions = writtenRegions;
        this.workers = workers;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Copies the range into {@code destination} while {@code requesterConnected} says the copy is
     * still wanted; completes (normally) with the answer to send.
     */
    CompletableFuture<Message> copy(Replica destination, Message.CopyFrom request, BooleanSupplier requesterConnected) {
        if (request.offset() < 0 || request.length() < 0 || request.offset() > destination.size() - request.length()) {
            return CompletableFuture.completedFuture(new Message.Failure(ErrorCode.OUT_OF_RANGE, "a copy of "
                    + request.length() + " bytes at " + request.offset() + " does not fit replica '"
                    + destination.name() + "' of " + destination.size() + " bytes"));
        }
        if (request.sourcePort() < 1 || request.sourcePort() > 65_535) {
            return CompletableFuture.completedFuture(new Message.Failure(ErrorCode.INVALID_REQUEST, "a copy's source "
                    + "port is 1 to 65535, not " + request.sourcePort()));
        }
        // resolved when connecting, on the puller's own loop: a name lookup here would hold up the session's
        Source source = new Source(InetSocketAddress.createUnresolved(request.sourceHost(), request.sourcePort()),
                request.sourceReplica(), destination.name());
        long end = request.offset() + request.length();
        Copy copy = new Copy(destination, request, requesterConnected);
        return connect(source)
                .thenCompose(client -> copyFrom(client, copy, request.offset(), end)
                        .whenComplete((copied, failure) -> release(source, client, failure == null)))
                .handle((copied, failure) -> failure == null ? new Message.Done() : answer(source, failure));
    }

    private Message answer(Source source, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof LocalFailure local) {
            return new Message.Failure(local.code, local.getMessage());
        }
        LOG.warn("copy source failed: {} {} {}", kv("source", source.replica() + "@" + source.address()),
                kv("replica", source.reader()), kv("reason", String.valueOf(cause.getMessage())));
        return new Message.Failure(ErrorCode.SOURCE_FAILED, "reading replica '" + source.replica() + "' at "
                + source.address() + " failed: " + cause.getMessage());
    }

    /**
     * A connection to {@code source} proving the secret of the replica here: one left idle by an
     * earlier copy, as a rebuild sends copy after copy from the same source, else a new one.
     */
    private CompletableFuture<ReplicaClient> connect(Source source) {
        Optional<byte[]> secret = secrets.secret(source.reader());
        if (secret.isEmpty()) {
            return CompletableFuture.failedFuture(new LocalFailure(ErrorCode.UNKNOWN_REPLICA,
                    "replica '" + source.reader() + "' has no secret to read its source with", null));
        }
        Queue<ReplicaClient> waiting = idle.get(source);
        for (ReplicaClient client = waiting == null ? null : waiting.poll(); client != null; client = waiting.poll()) {
            if (client.isOpen()) {
                return CompletableFuture.completedFuture(client);
            }
        }
        return ReplicaClient.connect(group, source.address(), source.replica(), secret.get(),
                ReplicaClient.Role.READER, requestTimeout);
    }

    /**
     * Keeps the connection of a successful copy for the next one, for {@link #IDLE_CONNECTION}
     * at most; a connection a copy failed on is closed, whatever went wrong with it.
     */
    private void release(Source source, ReplicaClient client, boolean reusable) {
        if (!reusable || group.isShuttingDown()) {
            client.closeAsync();
            return;
        }
        Queue<ReplicaClient> waiting = idle.computeIfAbsent(source, key -> new ConcurrentLinkedQueue<>());
        waiting.add(client);
        try {
            group.schedule(() -> {
                if (waiting.remove(client)) {
                    client.closeAsync();
                }
                idle.computeIfPresent(source, (key, queue) -> queue.isEmpty() ? null : queue);
            }, IDLE_CONNECTION.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            waiting.remove(client);
            client.closeAsync();
        }
    }

    /** One copy under way: where to, as asked, and whether its requester still waits for it. */
    private record Copy(Replica destination, Message.CopyFrom request, BooleanSupplier requesterConnected) {

        /** Fails once the requester has gone. */
        void requireWanted() {
            if (!requesterConnected.getAsBoolean()) {
                throw new LocalFailure(ErrorCode.IO_ERROR, "the copy into replica '" + destination.name()
                        + "' was abandoned: its requester closed the connection", null);
            }
        }
    }

    /**
     * Copies [position, end) window by window as the source answers for its allocation, at most
     * {@link #WINDOW_BYTES} at a time: what a copy holds in memory does not grow with its length.
     */
    private CompletableFuture<Void> copyFrom(ReplicaClient from, Copy copy, long position, long end) {
        if (position >= end) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            copy.requireWanted();
        } catch (LocalFailure abandoned) {
            return CompletableFuture.failedFuture(abandoned);
        }
        return from.allocation(position, Math.min(end - position, WINDOW_BYTES)).thenCompose(extents -> {
            List<CompletableFuture<Void>> pieces = new ArrayList<>();
            for (CopyPiece piece : CopyPiece.cut(extents, FrameCodec.MAX_DATA_BYTES)) {
                pieces.add(copy(from, copy, piece));
            }
            long next = extents.getLast().end(); // the client checked that they follow each other from position
            return CompletableFuture.allOf(pieces.toArray(CompletableFuture[]::new))
                    .thenCompose(done -> copyFrom(from, copy, next, end));
        });
    }

    /** Reads the piece's span, if it has one, and applies the piece in one task on a worker. */
    private CompletableFuture<Void> copy(ReplicaClient from, Copy copy, CopyPiece piece) {
        CompletableFuture<Message.SparseData> read = piece.readLength() == 0
                ? CompletableFuture.completedFuture(new Message.SparseData(List.of(), Unpooled.EMPTY_BUFFER))
                : from.readSparse(piece.readOffset(), piece.readLength());
        return read.thenCompose(span -> local(copy, () -> apply(copy.destination(), copy.request(), piece, span))
                .whenComplete((ok, failure) -> span.data().release()));
    }

    /** Writes the data of the piece's span and deallocates the rest: holes and blocks of zeros. */
    private void apply(Replica destination, Message.CopyFrom request, CopyPiece piece, Message.SparseData span)
            throws IOException {
        int at = span.data().readerIndex();
        for (Message.Extent run : piece.runs(span.runs())) {
            if (run.mapped()) {
                destination.writeUncached(run.offset(), span.data().nioBuffer(at, (int) run.length()),
                        request.sequence());
                at += (int) run.length();
            } else {
                destination.unmap(run.offset(), run.length(), request.sequence());
            }
        }
        long start = piece.extents().getFirst().offset();
        writtenRegions.written(destination, start, piece.extents().getLast().end() - start, request.sequence());
    }

    /** One store call on a worker, under the request's epoch, unless the copy was abandoned meanwhile. */
    private CompletableFuture<Void> local(Copy copy, EpochGate.Change change) {
        Replica destination = copy.destination();
        Message.CopyFrom request = copy.request();
        try {
            return CompletableFuture.runAsync(() -> {
                copy.requireWanted();
                boolean applied;
                try {
                    applied = epochs.underEpoch(destination, request.epoch(), change);
                } catch (IOException | RuntimeException e) {
                    throw new LocalFailure(ErrorCode.IO_ERROR, "replica '" + destination.name() + "': "
                            + e.getMessage(), e);
                }
                if (!applied) {
                    throw new LocalFailure(ErrorCode.STALE_EPOCH, "replica '" + destination.name() + "' is at epoch "
                            + destination.epoch() + "; a copy of epoch " + request.epoch() + " is refused", null);
                }
            }, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new LocalFailure(ErrorCode.IO_ERROR, "the pool server is stopping", e));
        }
    }

    /** Closes the connections to sources; copies under way fail. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
