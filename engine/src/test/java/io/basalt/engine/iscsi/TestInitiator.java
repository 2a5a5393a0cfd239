package io.basalt.engine.iscsi;

import io.basalt.engine.iscsi.codec.DigestSettings;
import io.basalt.engine.iscsi.codec.PduDecoder;
import io.basalt.engine.iscsi.codec.PduEncoder;
import io.basalt.engine.iscsi.connection.IscsiConnection;
import io.basalt.engine.iscsi.login.ChapCredentials;
import io.basalt.engine.iscsi.pdu.LoginRequestPdu;
import io.basalt.engine.iscsi.pdu.LoginResponsePdu;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.basalt.engine.iscsi.session.SessionRegistry;
import io.basalt.engine.iscsi.text.KeyValue;
import io.basalt.engine.iscsi.text.KeyValueCodec;
import io.basalt.engine.iscsi.text.TargetLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An initiator talking to one target connection held in an EmbeddedChannel: requests go through
 * the real encoder into the target's decoder, answers come back through a real decoder.
 */
final class TestInitiator implements AutoCloseable {

    static final String TARGET = "iqn.2026-01.io.basalt:test";
    static final String INITIATOR = "iqn.2026-01.io.basalt:initiator";
    static final long ISID = 0x400001370000L;

    final EmbeddedChannel target;
    private final DigestSettings clientDigests = new DigestSettings(1 << 24);
    private final EmbeddedChannel client = new EmbeddedChannel(new PduDecoder(clientDigests), new PduEncoder(clientDigests));
    int cmdSN = 1;
    int itt = 1;

    TestInitiator(TargetConfig config, SessionRegistry registry, RecordingScsiTarget scsi) {
        DigestSettings digests = new DigestSettings(config.limits().maxRecvDataSegmentLength());
        target = new EmbeddedChannel(new PduDecoder(digests), new PduEncoder(digests),
                new IscsiConnection(config, registry, scsi, digests));
    }

    static TargetConfig config() {
        return config(null, null, Set.of());
    }

    static TargetConfig config(ChapCredentials chap, ChapCredentials mutual, Set<String> allowed) {
        return new TargetConfig(TARGET, "192.0.2.7:3260", chap, mutual, allowed, TargetLimits.defaults(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 16);
    }

    void send(Pdu pdu) {
        client.writeOutbound(pdu);
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            target.writeInbound(bytes);
        }
    }

    /** Sends a PDU with one byte of its encoding flipped, as a damaged link would deliver it. */
    void sendDamaged(Pdu pdu, int damagedByte) {
        client.writeOutbound(pdu);
        ByteBuf frame = client.readOutbound();
        ByteBuf copy = Unpooled.copiedBuffer(frame);
        frame.release();
        copy.setByte(damagedByte, copy.getByte(damagedByte) ^ 0x5a);
        target.writeInbound(copy);
    }

    /** The next PDU the target sent, or null when it sent nothing. */
    @SuppressWarnings("unchecked")
    <T extends Pdu> T receive() {
        target.runPendingTasks();
        ByteBuf bytes;
        while ((bytes = target.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        return (T) client.readInbound();
    }

    /** Enables the digests the initiator negotiated, as it must after the final Login Response. */
    void useDigests(boolean header, boolean data) {
        clientDigests.enable(header, data);
    }

    LoginRequestPdu loginRequest(int csg, int nsg, boolean transit, String... keyValues) {
        return new LoginRequestPdu().stages(transit, false, csg, nsg).versions(0, 0).isid(ISID)
                .initiatorTaskTag(0).cmdSN(cmdSN).text(text(keyValues));
    }

    LoginResponsePdu login(int csg, int nsg, boolean transit, String... keyValues) {
        send(loginRequest(csg, nsg, transit, keyValues));
        return receive();
    }

    /** Logs straight into full feature phase with AuthMethod None and the given operational keys. */
    LoginResponsePdu loginNormal(String... operationalKeys) {
        String[] keys = new String[operationalKeys.length + 3];
        keys[0] = "InitiatorName=" + INITIATOR;
        keys[1] = "TargetName=" + TARGET;
        keys[2] = "SessionType=Normal";
        System.arraycopy(operationalKeys, 0, keys, 3, operationalKeys.length);
        return login(1, 3, true, keys);
    }

    static ByteBuf text(String... keyValues) {
        StringBuilder text = new StringBuilder();
        for (String keyValue : keyValues) {
            text.append(keyValue).append('\0');
        }
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    static Map<String, String> keys(Pdu pdu) {
        Map<String, String> keys = new LinkedHashMap<>();
        try {
            for (KeyValue pair : KeyValueCodec.decode(pdu.data())) {
                keys.put(pair.key(), pair.value());
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pdu.release();
        }
        return keys;
    }

    int nextItt() {
        return itt++;
    }

    @Override
    public void close() {
        target.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }
}
