package io.basalt.engine.iscsi.codec;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.basalt.engine.iscsi.pdu.Pdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Seeded fuzzing of the PDU decoder: well-formed PDUs (every opcode, with AHS, data segments,
 * header and data digests) are mutated (bit flips, overwritten bytes and length fields, broken
 * digests, truncation, trailing garbage, several PDUs back to back) and fed in random chunks.
 * The decoder must answer each with PDUs, a data digest mismatch, or its own framing error, and
 * nothing else; it must never hang; and every buffer must be released, as Netty's PARANOID leak
 * detector and the reference counts of the inputs both confirm. A failure names the seed that
 * reproduces it.
 */
class PduDecoderFuzzTest {

    private static final long BASE_SEED = 0x15C5_1F0CL;
    private static final int CASES = 20_000;
    private static final int[] OPCODES = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x10, 0x1c, 0x20, 0x21, 0x3f};

    private ResourceLeakDetector.Level previousLevel;
    private ListAppender<ILoggingEvent> leakReports;
    private Logger leakLogger;

    @BeforeEach
    void watchForLeaks() {
        previousLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        leakLogger = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        leakReports = new ListAppender<>();
        leakReports.start();
        leakLogger.addAppender(leakReports);
    }

    @AfterEach
    void restoreLeakDetection() {
        leakLogger.detachAppender(leakReports);
        ResourceLeakDetector.setLevel(previousLevel);
    }

    @Test
    void mutatedPdusYieldOnlyPdusDigestMismatchesOrFramingErrorsWithoutHangingOrLeaking() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (int i = 0; i < CASES; i++) {
                runCase(BASE_SEED + i);
            }
        }, "the decoder did not finish the fuzz cases: it hangs on some input");

        forceLeakDetection();
        assertThat(leakReports.list).extracting(ILoggingEvent::getFormattedMessage)
                .as("Netty leak reports").noneMatch(message -> message.contains("LEAK"));
    }

    private void runCase(long seed) {
        Random random = new Random(seed);
        DigestSettings settings = new DigestSettings(random.nextBoolean() ? 8192 : 262_144);
        settings.enable(random.nextBoolean(), random.nextBoolean());
        byte[] stream = mutate(random, wellFormedStream(random, settings));
        List<ByteBuf> inputs = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new PduDecoder(settings));
        try {
            for (int offset = 0; offset < stream.length && channel.isOpen(); ) {
                int chunk = Math.min(stream.length - offset, 1 + random.nextInt(random.nextBoolean() ? 64 : 20_000));
                ByteBuf input = PooledByteBufAllocator.DEFAULT.buffer(chunk).writeBytes(stream, offset, chunk);
                inputs.add(input);
                offset += chunk;
                if (!decode(() -> channel.writeInbound(input), seed, stream)) {
                    decode(channel::close, seed, stream);
                }
                drain(channel, seed);
            }
        } finally {
            // Closing decodes what is left over, which may be a framing error too.
            decode(channel::finishAndReleaseAll, seed, stream);
        }
        for (ByteBuf input : inputs) {
            assertThat(input.refCnt()).as("seed %d: input buffer still referenced after the channel closed", seed).isZero();
        }
    }

    /** Runs a channel operation; false when the decoder rejected the stream with its own framing error. */
    private static boolean decode(Runnable operation, long seed, byte[] stream) {
        try {
            operation.run();
            return true;
        } catch (PduFramingException expected) {
            return false;
        } catch (RuntimeException unexpected) {
            return fail("seed " + seed + ": decoder threw " + unexpected + " on " + ByteBufUtil.hexDump(stream), unexpected);
        }
    }

    private static void drain(EmbeddedChannel channel, long seed) {
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            switch (decoded) {
                case Pdu pdu -> {
                    pdu.bhsBytes();
                    pdu.dataSegmentLength();
                    pdu.release();
                }
                case DataDigestMismatch mismatch -> assertThat(mismatch.bhs()).hasSize(Pdu.BHS_LENGTH);
                default -> fail("seed " + seed + ": decoder produced " + decoded);
            }
        }
    }

    /** One to three PDUs as an initiator would frame them under these digest settings. */
    private static byte[] wellFormedStream(Random random, DigestSettings settings) {
        ByteBuf stream = PooledByteBufAllocator.DEFAULT.heapBuffer();
        try {
            int count = 1 + random.nextInt(3);
            for (int i = 0; i < count; i++) {
                writePdu(stream, random, settings);
            }
            return ByteBufUtil.getBytes(stream);
        } finally {
            stream.release();
        }
    }

    private static void writePdu(ByteBuf out, Random random, DigestSettings settings) {
        byte[] bhs = new byte[Pdu.BHS_LENGTH];
        random.nextBytes(bhs);
        bhs[0] = (byte) ((random.nextBoolean() ? 0x40 : 0) | OPCODES[random.nextInt(OPCODES.length)]);
        int ahsWords = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
        int dataLength = random.nextInt(3) == 0 ? 0 : random.nextInt(Math.min(settings.maxRecvDataSegmentLength(), 20_000) + 1);
        bhs[4] = (byte) ahsWords;
        bhs[5] = (byte) (dataLength >>> 16);
        bhs[6] = (byte) (dataLength >>> 8);
        bhs[7] = (byte) dataLength;
        byte[] ahs = new byte[ahsWords * 4];
        random.nextBytes(ahs);
        byte[] data = new byte[(dataLength + 3) & ~3];
        random.nextBytes(data);
        java.util.Arrays.fill(data, dataLength, data.length, (byte) 0);
        out.writeBytes(bhs).writeBytes(ahs);
        if (settings.headerDigest()) {
            out.writeIntLE(crc32c(bhs, ahs));
        }
        out.writeBytes(data);
        if (settings.dataDigest() && dataLength > 0) {
            out.writeIntLE(crc32c(data));
        }
    }

    private static int crc32c(byte[]... parts) {
        CRC32C crc = new CRC32C();
        for (byte[] part : parts) {
            crc.update(part);
        }
        return (int) crc.getValue();
    }

    private static byte[] mutate(Random random, byte[] stream) {
        byte[] mutated = stream.clone();
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            boolean hasLengthFields = mutated.length >= 8;
            switch (random.nextInt(7)) {
                case 0 -> mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                case 2 -> {
                    if (hasLengthFields) {
                        mutated[4] = (byte) random.nextInt(256);
                    }
                }
                case 3 -> {
                    if (!hasLengthFields) {
                        break;
                    }
                    int length = random.nextBoolean() ? random.nextInt(1 << 24) : random.nextInt(64);
                    mutated[5] = (byte) (length >>> 16);
                    mutated[6] = (byte) (length >>> 8);
                    mutated[7] = (byte) length;
                }
                case 4 -> mutated = java.util.Arrays.copyOf(mutated, random.nextInt(mutated.length + 1));
                case 5 -> {
                    byte[] longer = java.util.Arrays.copyOf(mutated, mutated.length + 1 + random.nextInt(100));
                    for (int j = mutated.length; j < longer.length; j++) {
                        longer[j] = (byte) random.nextInt(256);
                    }
                    mutated = longer;
                }
                default -> {
                    // Break a digest or the padding: flip a bit near the end.
                    if (mutated.length > 0) {
                        mutated[mutated.length - 1 - random.nextInt(Math.min(8, mutated.length))] ^= 0x01;
                    }
                }
            }
            if (mutated.length == 0) {
                break;
            }
        }
        return mutated;
    }

    /** Makes the leak detector look at what was collected: collect, then allocate to trigger its check. */
    private static void forceLeakDetection() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 256; i++) {
                PooledByteBufAllocator.DEFAULT.buffer(64).release();
            }
        }
    }
}
