package io.basalt.engine.iscsi.connection;

import io.basalt.engine.iscsi.TargetConfig;
import io.basalt.engine.iscsi.pdu.DataOutPdu;
import io.basalt.engine.iscsi.pdu.InitiatorPdu;
import io.basalt.engine.iscsi.pdu.LoginRequestPdu;
import io.basalt.engine.iscsi.pdu.LogoutRequestPdu;
import io.basalt.engine.iscsi.pdu.LogoutResponsePdu;
import io.basalt.engine.iscsi.pdu.NopInPdu;
import io.basalt.engine.iscsi.pdu.NopOutPdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.pdu.ReadyToTransferPdu;
import io.basalt.engine.iscsi.pdu.RejectPdu;
import io.basalt.engine.iscsi.pdu.ScsiCommandPdu;
import io.basalt.engine.iscsi.pdu.SnackRequestPdu;
import io.basalt.engine.iscsi.pdu.TaskManagementRequestPdu;
import io.basalt.engine.iscsi.pdu.TaskManagementResponsePdu;
import io.basalt.engine.iscsi.pdu.TextRequestPdu;
import io.basalt.engine.iscsi.pdu.TextResponsePdu;
import io.basalt.engine.iscsi.session.Session;
import io.basalt.engine.iscsi.session.SessionType;
import io.basalt.engine.iscsi.text.KeyValue;
import io.basalt.engine.iscsi.text.OperationalNegotiator;
import io.basalt.engine.iscsi.text.OperationalParameters;
import io.basalt.engine.iscsi.text.SendTargets;
import io.basalt.engine.iscsi.text.TextFormatException;
import io.basalt.engine.scsi.ScsiCommand;
import io.basalt.engine.scsi.ScsiResponse;
import io.basalt.engine.scsi.ScsiTarget;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full feature phase of one connection (RFC 7143 4.2): commands delivered in CmdSN order,
 * write data gathered from immediate data, unsolicited Data-Out and R2Ts, responses, task
 * management, text, NOP and logout. Event-loop confined; the SCSI target answers asynchronously.
 */
final class FullFeaturePhase {

    private static final Logger LOG = LoggerFactory.getLogger(FullFeaturePhase.class);
    /** The largest write gathered in memory for one command. */
    static final int MAX_WRITE_LENGTH = 64 << 20;
    /**
     * How many bytes of solicited writes may be gathered at once; further writes get their first
     * R2T only as earlier ones complete, so a connection's memory stays bounded.
     */
    static final long MAX_GATHERING_BYTES = 32L << 20;

    private final ChannelHandlerContext ctx;
    private final Session session;
    private final ScsiTarget target;
    private final SequenceNumbers sequence;
    private final OperationalParameters parameters;
    private final SendTargets sendTargets;
    private final CommandResponder responder;
    private final InitiatorPinger pinger;
    private final TextExchange textExchange;
    private final Runnable dropAllSessions;
    private final Map<Integer, ScsiTask> tasks = new HashMap<>();
    private final Map<Integer, InitiatorPdu> waitingForCmdSN = new HashMap<>();
    private final Set<Integer> cmdSNsAbortedBeforeArrival = new HashSet<>();
    private final Deque<ScsiTask> awaitingSolicitation = new ArrayDeque<>();
    private long gatheringBytes;
    private int nextTransferTag = 1;
    private boolean closed;

    /** @param dropAllSessions closes every session of the target, for TARGET COLD RESET */
    FullFeaturePhase(ChannelHandlerContext ctx, Session session, ScsiTarget target, TargetConfig config,
            SequenceNumbers sequence, Runnable dropAllSessions) {
        this.ctx = ctx;
        this.dropAllSessions = dropAllSessions;
        this.session = session;
        this.target = target;
        this.sequence = sequence;
        this.parameters = session.parameters();
        this.sendTargets = new SendTargets(config);
        this.responder = new CommandResponder(ctx, sequence, parameters);
        this.textExchange = new TextExchange(ctx.alloc(), parameters.maxSendDataSegmentLength());
        this.pinger = new InitiatorPinger(ctx, sequence, config.nopInterval(), config.nopTimeout());
        pinger.start();
    }

    /** Handles one received PDU and takes ownership of it. */
    void receive(Pdu pdu) {
        boolean kept = false;
        try {
            if (!closed) {
                pinger.activity();
                kept = dispatch(pdu);
            }
        } finally {
            if (!kept) {
                pdu.release();
            }
        }
    }

    /** A PDU came with a bad data digest: it is discarded and rejected (RFC 7143 7.8). */
    void dataDigestError(byte[] bhs) {
        reject(RejectPdu.DATA_DIGEST_ERROR, bhs);
    }

    void reject(int reason, byte[] bhs) {
        RejectPdu reject = new RejectPdu(reason, bhs);
        sequence.stampWithNewStatSN(reject);
        ctx.writeAndFlush(reject, ctx.voidPromise());
    }

    /** The connection is gone: nothing more is sent, everything held is released. */
    void close() {
        closed = true;
        pinger.stop();
        textExchange.release();
        for (ScsiTask task : tasks.values()) {
            task.aborted = true;
            task.releaseWriteData();
        }
        tasks.clear();
        waitingForCmdSN.values().forEach(Pdu::release);
        waitingForCmdSN.clear();
    }

    private boolean dispatch(Pdu pdu) {
        return switch (pdu) {
            case DataOutPdu data -> {
                dataOut(data);
                yield false;
            }
            case NopOutPdu nop when nop.initiatorTaskTag() == Pdu.RESERVED_TAG -> {
                pinger.answered(nop.targetTransferTag());
                yield false;
            }
            case SnackRequestPdu snack -> {
                reject(RejectPdu.PROTOCOL_ERROR, snack.bhsBytes());
                yield false;
            }
            case LoginRequestPdu login -> {
                reject(RejectPdu.PROTOCOL_ERROR, login.bhsBytes());
                yield false;
            }
            case ScsiCommandPdu command when session.type() == SessionType.DISCOVERY -> {
                reject(RejectPdu.PROTOCOL_ERROR, command.bhsBytes());
                yield false;
            }
            case TaskManagementRequestPdu tmf when session.type() == SessionType.DISCOVERY -> {
                reject(RejectPdu.PROTOCOL_ERROR, tmf.bhsBytes());
                yield false;
            }
            case InitiatorPdu request -> order(request);
            default -> {
                reject(RejectPdu.COMMAND_NOT_SUPPORTED, pdu.bhsBytes());
                yield false;
            }
        };
    }

    /**
     * Immediate requests go at once; others in CmdSN order, those ahead of ExpCmdSN wait, those
     * outside the window are dropped (RFC 7143 4.2.2.1). Returns whether the PDU was kept.
     */
    private boolean order(InitiatorPdu request) {
        if (request.isImmediate()) {
            if (arrive(request)) {
                deliver(request);
            }
            return false;
        }
        int cmdSN = request.cmdSN();
        if (!sequence.inWindow(cmdSN) || waitingForCmdSN.containsKey(cmdSN)) {
            LOG.debug("dropping request with CmdSN {} outside [{}, {}]", cmdSN, sequence.expCmdSN(), sequence.maxCmdSN());
            return false;
        }
        if (cmdSNsAbortedBeforeArrival.contains(cmdSN)) {
            // its abort was answered as done: it must not run; its turn passes when it comes (deliverWaiting)
            LOG.debug("dropping request with CmdSN {}: aborted before it arrived", cmdSN);
            return false;
        }
        boolean arrived = arrive(request);
        if (cmdSN != sequence.expCmdSN()) {
            waitingForCmdSN.put(cmdSN, request);
            return true;
        }
        advance(request, arrived);
        deliverWaiting();
        return false;
    }

    private void advance(InitiatorPdu request, boolean arrived) {
        ScsiTask task = arrived && request instanceof ScsiCommandPdu ? taskFor(request) : null;
        sequence.commandArrived(task != null);
        if (task != null) {
            task.occupiesWindow = true;
        }
        if (arrived) {
            deliver(request);
        }
    }

    private void deliverWaiting() {
        while (true) {
            int next = sequence.expCmdSN();
            InitiatorPdu waiting = waitingForCmdSN.remove(next);
            if (waiting != null) {
                try {
                    advance(waiting, !(waiting instanceof ScsiCommandPdu) || taskFor(waiting) != null);
                } finally {
                    waiting.release();
                }
            } else if (cmdSNsAbortedBeforeArrival.remove(next)) {
                sequence.commandArrived(false);
            } else {
                return;
            }
        }
    }

    private ScsiTask taskFor(InitiatorPdu command) {
        ScsiTask task = tasks.get(command.initiatorTaskTag());
        return task != null && task.cmdSN == command.cmdSN() && !task.delivered ? task : null;
    }

    /** First look at a request when it arrives, before its turn: SCSI commands become tasks. */
    private boolean arrive(InitiatorPdu request) {
        if (!(request instanceof ScsiCommandPdu command)) {
            return true;
        }
        int reason = validate(command);
        if (reason != 0) {
            reject(reason, command.bhsBytes());
            return false;
        }
        ScsiTask task = new ScsiTask(command);
        int immediate = command.dataSegmentLength();
        if (task.write && task.expectedLength > 0) {
            int firstBurst = Math.min(parameters.firstBurstLength(), task.expectedLength);
            task.writeData = ctx.alloc().buffer(command.isFinal() ? immediate : firstBurst, task.expectedLength);
            if (immediate > 0) {
                task.accept(0, command.data());
            }
            task.awaitingUnsolicited = !command.isFinal()
                    && immediate < Math.min(parameters.firstBurstLength(), task.expectedLength);
            task.nextSolicitedOffset = immediate;
        }
        tasks.put(task.initiatorTaskTag, task);
        return true;
    }

    /** The Reject reason for a malformed SCSI Command, or 0 when it is acceptable. */
    private int validate(ScsiCommandPdu command) {
        long expected = command.expectedDataTransferLength() & 0xffffffffL;
        int immediate = command.dataSegmentLength();
        if (tasks.containsKey(command.initiatorTaskTag()) || command.initiatorTaskTag() == Pdu.RESERVED_TAG) {
            return RejectPdu.INVALID_PDU_FIELD;
        }
        if (command.isRead() && command.isWrite()) {
            return RejectPdu.COMMAND_NOT_SUPPORTED;
        }
        if (command.isWrite() && expected > MAX_WRITE_LENGTH) {
            return RejectPdu.INVALID_PDU_FIELD;
        }
        boolean immediateAllowed = command.isWrite() && parameters.immediateData()
                && immediate <= expected && immediate <= parameters.firstBurstLength();
        if (immediate > 0 && !immediateAllowed) {
            return RejectPdu.PROTOCOL_ERROR;
        }
        if (command.isWrite() && !command.isFinal() && parameters.initialR2T()) {
            return RejectPdu.PROTOCOL_ERROR;
        }
        return 0;
    }

    private void deliver(InitiatorPdu request) {
        switch (request) {
            case ScsiCommandPdu command -> {
                ScsiTask task = tasks.get(command.initiatorTaskTag());
                if (task != null && !task.delivered) {
                    task.delivered = true;
                    continueWrite(task);
                }
            }
            case NopOutPdu nop -> answerNop(nop);
            case TaskManagementRequestPdu tmf -> manageTasks(tmf);
            case TextRequestPdu text -> answerText(text);
            case LogoutRequestPdu logout -> logout(logout);
            default -> reject(RejectPdu.COMMAND_NOT_SUPPORTED, request.bhsBytes());
        }
    }

    private void dataOut(DataOutPdu data) {
        ScsiTask task = tasks.get(data.initiatorTaskTag());
        if (task == null || task.writeData == null) {
            LOG.debug("discarding Data-Out for no waiting task, ITT {}", data.initiatorTaskTag());
            return;
        }
        int offset = data.bufferOffset();
        int length = data.dataSegmentLength();
        if (data.targetTransferTag() == Pdu.RESERVED_TAG) {
            int unsolicitedEnd = Math.min(parameters.firstBurstLength(), task.expectedLength);
            if (!task.awaitingUnsolicited || offset != task.received || data.dataSN() != task.unsolicitedDataSN
                    || length > unsolicitedEnd - offset) {
                reject(RejectPdu.PROTOCOL_ERROR, data.bhsBytes());
                return;
            }
            task.accept(offset, data.data());
            task.unsolicitedDataSN++;
            if (data.isFinal() || task.received == unsolicitedEnd) {
                task.awaitingUnsolicited = false;
                task.nextSolicitedOffset = task.received;
                if (task.delivered) {
                    continueWrite(task);
                }
            }
            return;
        }
        ScsiTask.Solicitation solicitation = task.solicitations.get(data.targetTransferTag());
        if (solicitation == null || offset != solicitation.offset + solicitation.received
                || data.dataSN() != solicitation.nextDataSN || length > solicitation.length - solicitation.received) {
            reject(RejectPdu.PROTOCOL_ERROR, data.bhsBytes());
            return;
        }
        task.accept(offset, data.data());
        solicitation.received += length;
        solicitation.nextDataSN++;
        if (solicitation.received == solicitation.length) {
            task.solicitations.remove(data.targetTransferTag());
            continueWrite(task);
        }
    }

    /** Asks for more write data, or executes once all of it is there. */
    private void continueWrite(ScsiTask task) {
        if (task.allDataReceived()) {
            execute(task);
            if (task.gathering) {
                stopGathering(task);
                solicit();
            }
            return;
        }
        if (!task.awaitingUnsolicited && !task.queuedForSolicitation
                && task.nextSolicitedOffset < task.expectedLength) {
            task.queuedForSolicitation = true;
            awaitingSolicitation.add(task);
        }
        solicit();
    }

    /**
     * Sends R2Ts in MaxBurstLength pieces, at most MaxOutstandingR2T per task. A task starts
     * gathering only while the bytes being gathered stay within {@link #MAX_GATHERING_BYTES}, in
     * arrival order; once started it gets the rest of its R2Ts as earlier ones are answered.
     */
    private void solicit() {
        boolean sent = false;
        for (Iterator<ScsiTask> queue = awaitingSolicitation.iterator(); queue.hasNext(); ) {
            ScsiTask task = queue.next();
            if (task.aborted) {
                queue.remove();
                continue;
            }
            if (!task.gathering) {
                if (gatheringBytes > 0 && gatheringBytes + task.expectedLength > MAX_GATHERING_BYTES) {
                    break;
                }
                task.gathering = true;
                gatheringBytes += task.expectedLength;
            }
            while (task.solicitations.size() < parameters.maxOutstandingR2T()
                    && task.nextSolicitedOffset < task.expectedLength) {
                int length = Math.min(parameters.maxBurstLength(), task.expectedLength - task.nextSolicitedOffset);
                int tag = nextTransferTag();
                task.solicitations.put(tag, new ScsiTask.Solicitation(task.nextSolicitedOffset, length));
                ReadyToTransferPdu r2t = new ReadyToTransferPdu(task.initiatorTaskTag, task.lun, tag, task.r2tSN++,
                        task.nextSolicitedOffset, length);
                sequence.stamp(r2t);
                ctx.write(r2t, ctx.voidPromise());
                task.nextSolicitedOffset += length;
                sent = true;
            }
            if (task.nextSolicitedOffset >= task.expectedLength) {
                queue.remove();
            }
        }
        if (sent) {
            ctx.flush();
        }
    }

    private void stopGathering(ScsiTask task) {
        if (task.gathering) {
            task.gathering = false;
            gatheringBytes -= task.expectedLength;
        }
    }

    private int nextTransferTag() {
        int tag = nextTransferTag;
        nextTransferTag = nextTransferTag + 1 == Pdu.RESERVED_TAG ? 1 : nextTransferTag + 1;
        return tag;
    }

    private void execute(ScsiTask task) {
        ScsiCommand command = new ScsiCommand(session.nexus(), task.lun, task.cdb, task.attribute,
                task.initiatorTaskTag & 0xffffffffL, task.expectedLength, task.takeWriteData());
        task.execution = target.execute(command);
        task.execution.whenComplete((response, error) -> {
            if (ctx.executor().inEventLoop()) {
                // Done already (served from memory): answer now, in the same flush as the read batch.
                complete(task, response, error);
                return;
            }
            try {
                ctx.executor().execute(() -> complete(task, response, error));
            } catch (RejectedExecutionException e) {
                release(response);
            }
        });
    }

    private void complete(ScsiTask task, ScsiResponse response, Throwable error) {
        if (task.aborted || closed) {
            release(response);
            return;
        }
        tasks.remove(task.initiatorTaskTag, task);
        finish(task);
        if (error != null) {
            LOG.error("SCSI target failed a command instead of answering with sense data", error);
            ctx.close();
            return;
        }
        responder.respond(task, response);
    }

    private void finish(ScsiTask task) {
        if (task.occupiesWindow) {
            task.occupiesWindow = false;
            sequence.commandFinished();
        }
    }

    private static void release(ScsiResponse response) {
        if (response != null && response.dataIn() != null) {
            response.dataIn().release();
        }
    }

    private void answerNop(NopOutPdu nop) {
        int length = Math.min(nop.dataSegmentLength(), parameters.maxSendDataSegmentLength());
        NopInPdu answer = new NopInPdu(nop.initiatorTaskTag(), Pdu.RESERVED_TAG, nop.lun(),
                nop.data().retainedSlice(nop.data().readerIndex(), length));
        sequence.stampWithNewStatSN(answer);
        ctx.writeAndFlush(answer, ctx.voidPromise());
    }

    /** Task management (RFC 7143 11.5); the response waits until the affected tasks have stopped. */
    private void manageTasks(TaskManagementRequestPdu request) {
        int tag = request.initiatorTaskTag();
        long lun = request.lun();
        switch (request.function()) {
            case TaskManagementRequestPdu.ABORT_TASK -> abortTask(request);
            case TaskManagementRequestPdu.ABORT_TASK_SET, TaskManagementRequestPdu.CLEAR_TASK_SET ->
                    answerAfter(abort(tasksOf(lun)), tag, TaskManagementResponsePdu.FUNCTION_COMPLETE);
            case TaskManagementRequestPdu.LOGICAL_UNIT_RESET -> {
                CompletableFuture<Void> stopped = abort(tasksOf(lun));
                boolean exists = target.resetLogicalUnit(session.nexus(), lun);
                answerAfter(stopped, tag, exists
                        ? TaskManagementResponsePdu.FUNCTION_COMPLETE : TaskManagementResponsePdu.LUN_DOES_NOT_EXIST);
            }
            case TaskManagementRequestPdu.TARGET_WARM_RESET -> {
                CompletableFuture<Void> stopped = abort(new ArrayList<>(tasks.values()));
                target.resetTarget(session.nexus());
                answerAfter(stopped, tag, TaskManagementResponsePdu.FUNCTION_COMPLETE);
            }
            case TaskManagementRequestPdu.TARGET_COLD_RESET -> coldReset(tag);
            case TaskManagementRequestPdu.TASK_REASSIGN ->
                    answerTaskManagement(tag, TaskManagementResponsePdu.REASSIGNMENT_NOT_SUPPORTED);
            default -> answerTaskManagement(tag, TaskManagementResponsePdu.FUNCTION_NOT_SUPPORTED);
        }
    }

    /** A warm reset that also ends every session once the answer is out (RFC 7143 11.5.1). */
    private void coldReset(int initiatorTaskTag) {
        CompletableFuture<Void> stopped = abort(new ArrayList<>(tasks.values()));
        target.resetTarget(session.nexus());
        stopped.whenComplete((ignored, error) -> ctx.executor().execute(() -> {
            if (closed) {
                return;
            }
            TaskManagementResponsePdu answer = new TaskManagementResponsePdu(initiatorTaskTag,
                    TaskManagementResponsePdu.FUNCTION_COMPLETE);
            sequence.stampWithNewStatSN(answer);
            ctx.writeAndFlush(answer).addListener(written -> dropAllSessions.run());
        }));
    }

    private void abortTask(TaskManagementRequestPdu request) {
        ScsiTask task = tasks.get(request.referencedTaskTag());
        if (task != null) {
            answerAfter(abort(List.of(task)), request.initiatorTaskTag(), TaskManagementResponsePdu.FUNCTION_COMPLETE);
            return;
        }
        int refCmdSN = request.refCmdSN();
        // RFC 7143 11.5.1: a task not seen yet but within the window counts as received and aborted.
        if (sequence.inWindow(refCmdSN) && SequenceNumbers.before(refCmdSN, request.cmdSN())) {
            InitiatorPdu waiting = waitingForCmdSN.get(refCmdSN);
            if (waiting == null) {
                cmdSNsAbortedBeforeArrival.add(refCmdSN);
                deliverWaiting();
            }
            answerTaskManagement(request.initiatorTaskTag(), TaskManagementResponsePdu.FUNCTION_COMPLETE);
            return;
        }
        answerTaskManagement(request.initiatorTaskTag(), TaskManagementResponsePdu.TASK_DOES_NOT_EXIST);
    }

    private List<ScsiTask> tasksOf(long lun) {
        return tasks.values().stream().filter(task -> task.lun == lun).toList();
    }

    /** Stops the tasks: no response will be sent for them. Completes when none is still executing. */
    private CompletableFuture<Void> abort(Collection<ScsiTask> victims) {
        List<CompletableFuture<ScsiResponse>> executing = new ArrayList<>();
        for (ScsiTask task : victims) {
            tasks.remove(task.initiatorTaskTag, task);
            task.aborted = true;
            finish(task);
            stopGathering(task);
            task.releaseWriteData();
            if (task.execution != null) {
                executing.add(task.execution);
            }
        }
        solicit();
        return CompletableFuture.allOf(executing.toArray(CompletableFuture[]::new));
    }

    private void answerAfter(CompletableFuture<Void> stopped, int initiatorTaskTag, int response) {
        stopped.whenComplete((ignored, error) -> ctx.executor().execute(() -> {
            if (!closed) {
                answerTaskManagement(initiatorTaskTag, response);
            }
        }));
    }

    private void answerTaskManagement(int initiatorTaskTag, int response) {
        TaskManagementResponsePdu answer = new TaskManagementResponsePdu(initiatorTaskTag, response);
        sequence.stampWithNewStatSN(answer);
        ctx.writeAndFlush(answer, ctx.voidPromise());
    }

    private void answerText(TextRequestPdu request) {
        TextResponsePdu response;
        try {
            response = textExchange.respond(request, this::answerKeys);
        } catch (TextFormatException e) {
            reject(RejectPdu.PROTOCOL_ERROR, request.bhsBytes());
            return;
        }
        sequence.stampWithNewStatSN(response);
        ctx.writeAndFlush(response, ctx.voidPromise());
    }

    /** SendTargets is the only key a text request may carry in full feature phase here. */
    private List<KeyValue> answerKeys(List<KeyValue> request) {
        List<KeyValue> answer = new ArrayList<>();
        for (KeyValue pair : request) {
            if (pair.key().equals("SendTargets")) {
                answer.addAll(sendTargets.answer(pair.value(), session.type(), session.key().initiatorName(),
                        ctx.channel().localAddress()));
            } else {
                answer.add(new KeyValue(pair.key(), OperationalNegotiator.NOT_UNDERSTOOD));
            }
        }
        return answer;
    }

    private void logout(LogoutRequestPdu request) {
        int response = switch (request.reason()) {
            case LogoutRequestPdu.CLOSE_SESSION -> LogoutResponsePdu.CLOSED_SUCCESSFULLY;
            case LogoutRequestPdu.CLOSE_CONNECTION -> request.connectionId() == session.connectionId()
                    ? LogoutResponsePdu.CLOSED_SUCCESSFULLY : LogoutResponsePdu.CID_NOT_FOUND;
            case LogoutRequestPdu.REMOVE_CONNECTION_FOR_RECOVERY -> LogoutResponsePdu.RECOVERY_NOT_SUPPORTED;
            default -> -1;
        };
        if (response < 0) {
            reject(RejectPdu.INVALID_PDU_FIELD, request.bhsBytes());
            return;
        }
        LogoutResponsePdu answer = new LogoutResponsePdu(request.initiatorTaskTag(), response,
                parameters.defaultTime2Wait(), parameters.defaultTime2Retain());
        if (response != LogoutResponsePdu.CLOSED_SUCCESSFULLY) {
            sequence.stampWithNewStatSN(answer);
            ctx.writeAndFlush(answer, ctx.voidPromise());
            return;
        }
        abort(new ArrayList<>(tasks.values()));
        sequence.stampWithNewStatSN(answer);
        close();
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
}
