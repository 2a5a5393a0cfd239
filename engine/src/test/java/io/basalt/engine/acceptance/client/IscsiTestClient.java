package io.basalt.engine.acceptance.client;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A deliberately small iSCSI initiator over a plain socket, for tests that must put exactly the
 * bytes they choose on the wire: well-formed PDUs built from {@link Bhs}, or anything else through
 * {@link #sendRaw}. It logs in without authentication in one step, tracks CmdSN/StatSN, answers
 * target pings, and can negotiate CRC32C digests. One connection, one session; not thread-safe.
 */
public final class IscsiTestClient implements AutoCloseable {

    /** What came back from the target: a header and its data segment. */
    public record Received(Bhs bhs, byte[] data) {
    }

    /** The target closed the connection (or reset it) while we waited for a PDU. */
    public static final class ConnectionClosedException extends IOException {
        public ConnectionClosedException(String message) {
            super(message);
        }
    }

    /** ISIDs of the "random" type (RFC 7143 10.12.5: top bits 10), one per client. */
    private static final AtomicLong NEXT_ISID = new AtomicLong(System.nanoTime() & 0xffff_ffffL);
    private static final int MAX_RECV_DATA_SEGMENT = 262_144;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final long isid = 0x8000_0000_0000L | (NEXT_ISID.incrementAndGet() & 0x3fff_ffff_ffffL);
    private int cmdSN = 1;
    private int expStatSN;
    private int nextTag = 1;
    private boolean headerDigest;
    private boolean dataDigest;
    private Map<String, String> negotiated = Map.of();

    private IscsiTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static IscsiTestClient connect(String host, int port) {
        try {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(host, port), 5_000);
            return new IscsiTestClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    /**
     * Logs in to a normal session, security and operational stages at once. {@code digests} asks
     * for CRC32C header and data digests, which are used from the next PDU on.
     */
    public Map<String, String> login(String initiator, String target, boolean digests) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", initiator);
        keys.put("TargetName", target);
        keys.put("SessionType", "Normal");
        keys.put("AuthMethod", "None");
        keys.put("HeaderDigest", digests ? "CRC32C" : "None");
        keys.put("DataDigest", digests ? "CRC32C" : "None");
        keys.put("MaxRecvDataSegmentLength", Integer.toString(MAX_RECV_DATA_SEGMENT));
        keys.put("ImmediateData", "Yes");
        keys.put("InitialR2T", "Yes");
        keys.put("ErrorRecoveryLevel", "0");
        keys.put("MaxConnections", "1");
        Map<String, String> answers = new LinkedHashMap<>();
        int tsih = 0;
        int stage = 0;
        for (int round = 0; round < 6; round++) {
            // Ask to move on to full feature phase (stage 3) from wherever we are.
            Bhs request = Bhs.of(Bhs.LOGIN_REQUEST, true).flags(0x80 | (stage << 2) | 3)
                    .isid(isid).int16(14, tsih).initiatorTaskTag(tag()).int32(24, cmdSN).int32(28, expStatSN);
            send(request, round == 0 ? text(keys) : new byte[0]);
            Received response = receive();
            if (response.bhs().opcode() != Bhs.LOGIN_RESPONSE) {
                throw new IOException("expected a Login Response, got " + response.bhs());
            }
            int statusClass = response.bhs().byteAt(36);
            if (statusClass != 0) {
                throw new LoginRejectedException(statusClass, response.bhs().byteAt(37));
            }
            answers.putAll(parseText(response.data()));
            tsih = response.bhs().int16(14);
            expStatSN = response.bhs().int32(24) + 1;
            boolean transit = (response.bhs().flags() & 0x80) != 0;
            stage = response.bhs().flags() & 0x03;
            if (transit && stage == 3) {
                headerDigest = "CRC32C".equals(answers.get("HeaderDigest"));
                dataDigest = "CRC32C".equals(answers.get("DataDigest"));
                negotiated = Map.copyOf(answers);
                return negotiated;
            }
            stage = transit ? stage : (response.bhs().flags() >> 2) & 0x03;
        }
        throw new IOException("login did not reach full feature phase; target said " + answers);
    }

    /** The login was answered with a non-zero status class. */
    public static final class LoginRejectedException extends IOException {
        public LoginRejectedException(int statusClass, int detail) {
            super(String.format("login rejected: status class 0x%02x detail 0x%02x", statusClass, detail));
        }
    }

    /** Closes the session with a Logout Request and waits for the Logout Response. */
    public void logout() throws IOException {
        Bhs request = Bhs.of(Bhs.LOGOUT_REQUEST, true).flags(0x80).initiatorTaskTag(tag()).int32(24, cmdSN)
                .int32(28, expStatSN);
        send(request, new byte[0]);
        Received response = receive();
        if (response.bhs().opcode() != Bhs.LOGOUT_RESPONSE || response.bhs().byteAt(2) != 0) {
            throw new IOException("logout not accepted: " + response.bhs());
        }
    }

    /** A SCSI Command PDU for LUN {@code lun}, CmdSN taken from the session (and advanced). */
    public Bhs scsiCommand(long lun, byte[] cdb, int expectedLength, boolean read, boolean write) {
        Bhs bhs = Bhs.of(Bhs.SCSI_COMMAND, false)
                .flags(0x80 | (read ? 0x40 : 0) | (write ? 0x20 : 0) | 0x01)
                .lun(lun << 48).initiatorTaskTag(tag()).int32(20, expectedLength).int32(24, cmdSN++)
                .int32(28, expStatSN).cdb(cdb);
        return bhs;
    }

    /** Runs a command that moves no data or reads {@code readLength} bytes; returns its SCSI status and data. */
    public ScsiResult execute(long lun, byte[] cdb, int readLength) throws IOException {
        Bhs command = scsiCommand(lun, cdb, readLength, readLength > 0, false);
        send(command, new byte[0]);
        return awaitStatus(command.initiatorTaskTag());
    }

    /** Writes {@code data} with immediate data and, when the target asks, solicited Data-Out. */
    public ScsiResult write(long lun, byte[] cdb, byte[] data) throws IOException {
        Bhs command = scsiCommand(lun, cdb, data.length, false, true);
        int firstBurst = Math.min(data.length, negotiatedNumber("FirstBurstLength", 65_536));
        boolean immediate = "Yes".equals(negotiated.get("ImmediateData"));
        int immediateLength = immediate ? Math.min(firstBurst, maxSendSegment()) : 0;
        if (immediateLength == data.length) {
            command.flags(command.flags() | 0x80);
        }
        byte[] first = new byte[immediateLength];
        System.arraycopy(data, 0, first, 0, immediateLength);
        send(command, first);
        while (true) {
            Received received = receive();
            Bhs bhs = received.bhs();
            if (bhs.opcode() == Bhs.R2T && bhs.initiatorTaskTag() == command.initiatorTaskTag()) {
                sendDataOut(lun, command.initiatorTaskTag(), bhs.int32(20), data, bhs.int32(40), bhs.int32(44));
            } else if (bhs.opcode() == Bhs.SCSI_RESPONSE && bhs.initiatorTaskTag() == command.initiatorTaskTag()) {
                return new ScsiResult(bhs.byteAt(3), bhs.byteAt(2), new byte[0], received.data());
            } else {
                throw new IOException("unexpected PDU during a write: " + bhs);
            }
        }
    }

    /** Answers an R2T: sends {@code length} bytes from {@code offset} in Data-Out PDUs. */
    public void sendDataOut(long lun, int tag, int targetTransferTag, byte[] data, int offset, int length)
            throws IOException {
        int segment = maxSendSegment();
        int dataSN = 0;
        for (int sent = 0; sent < length; sent += segment) {
            int chunk = Math.min(segment, length - sent);
            byte[] bytes = new byte[chunk];
            System.arraycopy(data, offset + sent, bytes, 0, chunk);
            Bhs dataOut = Bhs.of(Bhs.DATA_OUT, false).flags(sent + chunk >= length ? 0x80 : 0).lun(lun << 48)
                    .initiatorTaskTag(tag).int32(20, targetTransferTag).int32(28, expStatSN).int32(36, dataSN++)
                    .int32(40, offset + sent);
            send(dataOut, bytes);
        }
    }

    private int maxSendSegment() {
        return negotiatedNumber("MaxRecvDataSegmentLength", 8192);
    }

    /** A numeric key as the target answered it, else its RFC 7143 default (also for NotUnderstood and the like). */
    private int negotiatedNumber(String key, int rfcDefault) {
        String value = negotiated.get(key);
        return value != null && value.matches("\\d{1,9}") ? Integer.parseInt(value) : rfcDefault;
    }

    /** Status, response code, read data and sense (the SCSI Response's data segment) of one command. */
    public record ScsiResult(int status, int response, byte[] data, byte[] senseData) {
        public boolean good() {
            return status == 0 && response == 0;
        }

        /** CHECK CONDITION with sense key UNIT ATTENTION (fixed-format sense after the 2-byte length). */
        public boolean unitAttention() {
            return status == 0x02 && senseData.length >= 5 && (senseData[2 + 2] & 0x0f) == 0x06;
        }
    }

    /** Collects Data-In for {@code tag} until its status arrives (in a SCSI Response or a final Data-In). */
    public ScsiResult awaitStatus(int tag) throws IOException {
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        while (true) {
            Received received = receive();
            Bhs bhs = received.bhs();
            if (bhs.initiatorTaskTag() != tag) {
                throw new IOException("unexpected PDU while waiting for task " + tag + ": " + bhs);
            }
            if (bhs.opcode() == Bhs.DATA_IN) {
                data.write(received.data());
                if ((bhs.flags() & 0x01) != 0) {
                    return new ScsiResult(bhs.byteAt(3), 0, data.toByteArray(), new byte[0]);
                }
            } else if (bhs.opcode() == Bhs.SCSI_RESPONSE) {
                return new ScsiResult(bhs.byteAt(3), bhs.byteAt(2), data.toByteArray(), received.data());
            } else {
                throw new IOException("unexpected PDU for task " + tag + ": " + bhs);
            }
        }
    }

    /**
     * Consumes the unit attentions a new I_T nexus is owed (power on, reset, ...): TEST UNIT READY
     * until it answers GOOD.
     */
    public void clearUnitAttentions(long lun) throws IOException {
        for (int attempt = 0; attempt < 8; attempt++) {
            ScsiResult result = execute(lun, Cdbs.testUnitReady(), 0);
            if (result.good()) {
                return;
            }
            if (!result.unitAttention()) {
                throw new IOException("TEST UNIT READY failed with status " + result.status() + " and sense "
                        + java.util.HexFormat.of().formatHex(result.senseData()));
            }
        }
        throw new IOException("unit attentions did not clear after 8 TEST UNIT READY commands");
    }

    /** Sends a NOP-Out ping and returns the target's NOP-In answer. */
    public Received ping() throws IOException {
        Bhs nop = Bhs.of(Bhs.NOP_OUT, true).flags(0x80).lun(0).initiatorTaskTag(tag()).int32(20, Bhs.NO_TAG)
                .int32(24, cmdSN).int32(28, expStatSN);
        send(nop, new byte[0]);
        return receive();
    }

    public int nextCmdSN() {
        return cmdSN;
    }

    public int expStatSN() {
        return expStatSN;
    }

    public int tag() {
        return nextTag++;
    }

    /** Sends a PDU, with digests as negotiated and the data segment padded. */
    public void send(Bhs bhs, byte[] data) throws IOException {
        bhs.dataSegmentLength(data.length);
        out.write(frame(bhs, data, headerDigest, dataDigest));
        out.flush();
    }

    /** Frames a PDU as {@link #send} would, without sending it, so a test can damage it first. */
    public byte[] frame(Bhs bhs, byte[] data) {
        bhs.dataSegmentLength(data.length);
        return frame(bhs, data, headerDigest, dataDigest);
    }

    public boolean headerDigest() {
        return headerDigest;
    }

    public boolean dataDigest() {
        return dataDigest;
    }

    private static byte[] frame(Bhs bhs, byte[] data, boolean headerDigest, boolean dataDigest) {
        int padded = (data.length + 3) & ~3;
        ByteBuffer frame = ByteBuffer.allocate(Bhs.LENGTH + (headerDigest ? 4 : 0) + padded
                + (dataDigest && data.length > 0 ? 4 : 0));
        frame.put(bhs.bytes());
        if (headerDigest) {
            frame.order(ByteOrder.LITTLE_ENDIAN).putInt(crc32c(bhs.bytes())).order(ByteOrder.BIG_ENDIAN);
        }
        byte[] paddedData = java.util.Arrays.copyOf(data, padded);
        frame.put(paddedData);
        if (dataDigest && data.length > 0) {
            frame.order(ByteOrder.LITTLE_ENDIAN).putInt(crc32c(paddedData));
        }
        return frame.array();
    }

    /** Puts arbitrary bytes on the wire. */
    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next PDU, answering target pings (NOP-In with a target transfer tag) on the way. */
    public Received receive() throws IOException {
        while (true) {
            Received received = receiveOne();
            Bhs bhs = received.bhs();
            if (bhs.opcode() == Bhs.NOP_IN && bhs.initiatorTaskTag() == Bhs.NO_TAG) {
                if (bhs.int32(20) != Bhs.NO_TAG) {
                    Bhs answer = Bhs.of(Bhs.NOP_OUT, true).flags(0x80).initiatorTaskTag(Bhs.NO_TAG)
                            .int32(20, bhs.int32(20)).int32(24, cmdSN).int32(28, expStatSN);
                    send(answer, new byte[0]);
                }
                continue;
            }
            return received;
        }
    }

    private Received receiveOne() throws IOException {
        try {
            byte[] header = new byte[Bhs.LENGTH];
            in.readFully(header);
            Bhs bhs = Bhs.wrap(header);
            in.skipNBytes(bhs.byteAt(4) * 4L + (headerDigest ? 4 : 0));
            byte[] data = new byte[bhs.dataSegmentLength()];
            in.readFully(data);
            in.skipNBytes(((data.length + 3) & ~3) - data.length + (dataDigest && data.length > 0 ? 4 : 0));
            if (hasStatSN(bhs.opcode())) {
                expStatSN = bhs.int32(24) + 1;
            }
            return new Received(bhs, data);
        } catch (EOFException | SocketException e) {
            throw new ConnectionClosedException("target closed the connection: " + e.getMessage());
        }
    }

    private static boolean hasStatSN(int opcode) {
        return opcode == Bhs.SCSI_RESPONSE || opcode == Bhs.NOP_IN || opcode == Bhs.LOGOUT_RESPONSE
                || opcode == Bhs.REJECT || opcode == 0x22 || opcode == 0x24;
    }

    /** Waits up to {@code timeoutMillis} for the target to close the connection; PDUs before that are returned. */
    public Optional<Received> awaitCloseOrPdu(int timeoutMillis) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout(timeoutMillis);
        try {
            return Optional.of(receive());
        } catch (ConnectionClosedException closed) {
            return Optional.empty();
        } catch (SocketTimeoutException stillOpen) {
            throw new IOException("target neither answered nor closed the connection within " + timeoutMillis + " ms");
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previous);
            }
        }
    }

    /** Resets the connection without a goodbye (SO_LINGER 0: RST instead of FIN). */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // Already gone: that is what an abort wants.
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is best effort.
        }
    }

    private static byte[] text(Map<String, String> keys) {
        StringBuilder text = new StringBuilder();
        keys.forEach((key, value) -> text.append(key).append('=').append(value).append('\0'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> parseText(byte[] data) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String pair : new String(data, StandardCharsets.UTF_8).split("\0")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                keys.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return keys;
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
