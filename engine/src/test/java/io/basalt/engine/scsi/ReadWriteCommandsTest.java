package io.basalt.engine.scsi;

import static io.basalt.engine.scsi.TargetFixture.BLOCK;
import static io.basalt.engine.scsi.TargetFixture.BLOCKS;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.engine.scsi.TargetFixture.Result;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadWriteCommandsTest {

    @TempDir
    Path dir;

    private TargetFixture target;

    @BeforeEach
    void start() throws Exception {
        target = new TargetFixture(dir);
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void dataWrittenWithWrite10IsReadBackWithRead10() {
        byte[] data = TargetFixture.pattern(4 * BLOCK, 1);

        Result write = target.run(Cdbs.write10(100, 4), data);
        Result read = target.run(Cdbs.read10(100, 4));

        assertThat(write.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(write.transferLength()).isEqualTo(4 * BLOCK);
        assertThat(read.data()).isEqualTo(data);
        assertThat(read.transferLength()).isEqualTo(4 * BLOCK);
    }

    @Test
    void sixByteCdbsAddressTheirBlocks() {
        byte[] data = TargetFixture.pattern(2 * BLOCK, 2);

        target.run(Cdbs.write6(7, 2), data);

        assertThat(target.read(7, 2)).isEqualTo(data);
        assertThat(target.run(Cdbs.read6(7, 2)).data()).isEqualTo(data);
    }

    @Test
    void read6WithTransferLengthZeroReads256Blocks() {
        Result read = target.run(Cdbs.read6(0, 0));

        assertThat(read.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(read.data()).hasSize(256 * BLOCK);
    }

    @Test
    void read10WithTransferLengthZeroTransfersNothing() {
        Result read = target.run(Cdbs.read10(0, 0));

        assertThat(read.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(read.data()).isEmpty();
    }

    @Test
    void twelveByteCdbsAddressTheirBlocks() {
        byte[] data = TargetFixture.pattern(BLOCK, 3);

        target.run(Cdbs.twelve(0xAA, 0, 55, 1), data);

        assertThat(target.run(Cdbs.twelve(0xA8, 0, 55, 1)).data()).isEqualTo(data);
    }

    @Test
    void readingPastTheLastBlockIsAnLbaOutOfRange() {
        Result read = target.run(Cdbs.read16(BLOCKS - 1, 2));

        assertThat(read.status()).isEqualTo(ScsiResponse.CHECK_CONDITION);
        assertThat(read.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(read.asc()).isEqualTo(0x21);
    }

    @Test
    void anLbaAboveTwoToTheSixtyThreeIsOutOfRangeNotNegative() {
        Result read = target.run(Cdbs.read16(-1L, 1));

        assertThat(read.asc()).isEqualTo(0x21);
    }

    @Test
    void writingAtTheLastBlockSucceedsAndBeyondFails() {
        Result last = target.run(Cdbs.write10(BLOCKS - 1, 1), new byte[BLOCK]);
        Result beyond = target.run(Cdbs.write10(BLOCKS, 1), new byte[BLOCK]);

        assertThat(last.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(beyond.asc()).isEqualTo(0x21);
    }

    @Test
    void aNonzeroRdprotectIsAnInvalidFieldInTheCdbPointingAtByteOne() {
        Result read = target.run(Cdbs.ten(0x28, 0x20, 0, 1));

        assertThat(read.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(read.asc()).isEqualTo(0x24);
        assertThat(read.sense()[15] & 0xC0).isEqualTo(0xC0);
        assertThat(read.fieldPointerByte()).isEqualTo(1);
    }

    @Test
    void aNonzeroWrprotectIsRejectedAndNothingIsWritten() {
        Result write = target.run(Cdbs.sixteen(0x8A, 0x40, 3, 1), TargetFixture.pattern(BLOCK, 9));

        assertThat(write.asc()).isEqualTo(0x24);
        assertThat(target.read(3, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void dpoAndFuaAreAccepted() {
        byte[] data = TargetFixture.pattern(BLOCK, 4);

        Result write = target.run(Cdbs.sixteen(0x8A, 0x18, 9, 1), data);
        Result read = target.run(Cdbs.sixteen(0x88, 0x18, 9, 1));

        assertThat(write.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(read.data()).isEqualTo(data);
    }

    @Test
    void transfersAboveTheMaximumTransferLengthAreRejected() {
        Result read = target.run(Cdbs.read16(0, 16385));

        assertThat(read.asc()).isEqualTo(0x24);
        assertThat(read.fieldPointerByte()).isEqualTo(10);
    }

    @Test
    void whenLessDataArrivesThanTheCdbDescribesOnlyTheWholeBlocksReceivedAreWritten() {
        byte[] old = target.writePattern(0, 2, 1);
        byte[] first = TargetFixture.pattern(BLOCK, 2);

        Result write = target.run(Cdbs.write10(0, 2), first);

        assertThat(write.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(write.transferLength()).isEqualTo(2 * BLOCK);
        assertThat(target.read(0, 1)).isEqualTo(first);
        assertThat(target.read(1, 1)).isEqualTo(Arrays.copyOfRange(old, BLOCK, 2 * BLOCK));
    }

    @Test
    void aPartialBlockOfDataIsRejectedWithTheCdbsTransferLength() {
        Result write = target.run(Cdbs.write10(0, 2), new byte[200]);

        assertThat(write.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
        assertThat(write.asc()).isEqualTo(0x0E);
        assertThat(write.ascq()).isEqualTo(0x03);
        assertThat(write.transferLength()).isEqualTo(2 * BLOCK);
    }

    @Test
    void moreDataThanTheCdbDescribesWritesOnlyTheDescribedBlocks() {
        byte[] data = TargetFixture.pattern(2 * BLOCK, 3);

        target.run(Cdbs.write10(0, 1), data);

        assertThat(target.read(0, 1)).isEqualTo(Arrays.copyOf(data, BLOCK));
        assertThat(target.read(1, 1)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void writeAndVerifyWritesTheData() {
        byte[] data = TargetFixture.pattern(3 * BLOCK, 5);

        Result write = target.run(Cdbs.ten(0x2E, 0x02, 20, 3), data);

        assertThat(write.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(20, 3)).isEqualTo(data);
    }

    @Test
    void verifyWithByteCheckMatchingDataIsGood() {
        byte[] data = target.writePattern(30, 2, 6);

        assertThat(target.run(Cdbs.verify16(1, 30, 2), data).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void verifyWithByteCheckReportsTheOffsetOfTheFirstMiscompare() {
        byte[] data = target.writePattern(30, 2, 6);
        data[700] ^= 0x55;

        Result verify = target.run(Cdbs.verify16(1, 30, 2), data);

        assertThat(verify.senseKey()).isEqualTo(Sense.MISCOMPARE);
        assertThat(verify.asc()).isEqualTo(0x1D);
        assertThat(verify.sense()[0] & 0x80).isEqualTo(0x80);
        assertThat(verify.information()).isEqualTo(700);
    }

    @Test
    void verifyWithByteCheckThreeComparesOneBlockAgainstEach() {
        byte[] block = TargetFixture.pattern(BLOCK, 8);
        byte[] twice = new byte[2 * BLOCK];
        System.arraycopy(block, 0, twice, 0, BLOCK);
        System.arraycopy(block, 0, twice, BLOCK, BLOCK);
        target.run(Cdbs.write16(40, 2), twice);

        assertThat(target.run(Cdbs.verify16(3, 40, 2), block).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(Cdbs.verify16(3, 39, 2), block).senseKey()).isEqualTo(Sense.MISCOMPARE);
    }

    @Test
    void verifyWithoutByteCheckOnlyChecksTheRange() {
        assertThat(target.run(Cdbs.verify16(0, 0, 8)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(Cdbs.verify16(0, BLOCKS, 1)).asc()).isEqualTo(0x21);
    }

    @Test
    void verifyWithTheReservedByteCheckValueIsRejected() {
        assertThat(target.run(Cdbs.verify16(2, 0, 1), new byte[BLOCK]).asc()).isEqualTo(0x24);
    }

    @Test
    void compareAndWriteReplacesMatchingData() {
        byte[] old = target.writePattern(50, 2, 1);
        byte[] replacement = TargetFixture.pattern(2 * BLOCK, 2);

        Result result = target.run(Cdbs.compareAndWrite(50, 2), concat(old, replacement));

        assertThat(result.status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.read(50, 2)).isEqualTo(replacement);
    }

    @Test
    void compareAndWriteReportsAMiscompareAndLeavesTheDataAlone() {
        byte[] old = target.writePattern(50, 2, 1);
        byte[] expected = old.clone();
        expected[BLOCK + 3] ^= 1;

        Result result = target.run(Cdbs.compareAndWrite(50, 2), concat(expected, TargetFixture.pattern(2 * BLOCK, 2)));

        assertThat(result.senseKey()).isEqualTo(Sense.MISCOMPARE);
        assertThat(result.information()).isEqualTo(BLOCK + 3);
        assertThat(target.read(50, 2)).isEqualTo(old);
    }

    @Test
    void compareAndWriteNeedsExactlyTwiceItsBlocksOfData() {
        Result result = target.run(Cdbs.compareAndWrite(0, 1), new byte[4 * BLOCK]);

        assertThat(result.senseKey()).isEqualTo(Sense.ILLEGAL_REQUEST);
    }

    @Test
    void compareAndWriteOfZeroBlocksWithDataIsAnInvalidField() {
        Result result = target.run(Cdbs.compareAndWrite(0, 0), new byte[2 * BLOCK]);

        assertThat(result.asc()).isEqualTo(0x24);
        assertThat(result.fieldPointerByte()).isEqualTo(13);
    }

    @Test
    void compareAndWriteOfZeroBlocksWithoutDataDoesNothing() {
        assertThat(target.run(Cdbs.compareAndWrite(0, 0)).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void compareAndWritesOnTheSameBlockRunOneAfterTheOther() {
        target.writePattern(60, 1, 0);
        byte[] current = target.read(60, 1);
        int successes = 0;
        // Each command swaps the block for the next value only when it still holds the previous one.
        for (int round = 0; round < 20; round++) {
            byte[] next = TargetFixture.pattern(BLOCK, round + 100);
            Result result = target.run(Cdbs.compareAndWrite(60, 1), concat(current, next));
            if (result.status() == ScsiResponse.GOOD) {
                successes++;
                current = next;
            }
        }

        assertThat(successes).isEqualTo(20);
        assertThat(target.read(60, 1)).isEqualTo(current);
    }

    @Test
    void concurrentCompareAndWriteIncrementsNeverLoseAnUpdate() throws Exception {
        target.run(Cdbs.write16(80, 1), counterBlock(0));
        int threads = 4;
        int incrementsEach = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Nexus nexus = t % 2 == 0 ? target.first : target.second;
                workers.add(pool.submit(() -> {
                    for (int done = 0; done < incrementsEach; ) {
                        byte[] current = target.run(nexus, Cdbs.read16(80, 1)).data();
                        long value = Cdb.u64(current, 0);
                        Result swap = target.run(nexus, Cdbs.compareAndWrite(80, 1), concat(current, counterBlock(value + 1)));
                        if (swap.status() == ScsiResponse.GOOD) {
                            done++;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(Cdb.u64(target.read(80, 1), 0)).isEqualTo((long) threads * incrementsEach);
    }

    private static byte[] counterBlock(long value) {
        byte[] block = new byte[BLOCK];
        Cdb.putU64(block, 0, value);
        return block;
    }

    @Test
    void orWriteOrsTheDataIntoTheBlocks() {
        byte[] zeroes = new byte[BLOCK];
        target.run(Cdbs.write16(70, 1), zeroes);
        byte[] a = new byte[BLOCK];
        byte[] b = new byte[BLOCK];
        Arrays.fill(a, (byte) 0xA5);
        Arrays.fill(b, (byte) 0x5A);

        target.run(Cdbs.sixteen(0x8B, 0, 70, 1), a);
        target.run(Cdbs.sixteen(0x8B, 0, 70, 1), b);

        byte[] ones = new byte[BLOCK];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(target.read(70, 1)).isEqualTo(ones);
    }

    @Test
    void synchronizeCacheChecksItsRange() {
        assertThat(target.run(Cdbs.synchronizeCache10(0, 0)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(Cdbs.synchronizeCache10(BLOCKS + 1, 0)).asc()).isEqualTo(0x21);
    }

    @Test
    void synchronizeCacheWithImmedAnswersGood() {
        byte[] cdb = Cdbs.synchronizeCache10(0, 10);
        cdb[1] = 0x02;

        assertThat(target.run(cdb).status()).isEqualTo(ScsiResponse.GOOD);
    }

    @Test
    void preFetchIsGoodWithinTheUnitAndOutOfRangeBeyond() {
        assertThat(target.run(Cdbs.ten(0x34, 0, 0, 8)).status()).isEqualTo(ScsiResponse.GOOD);
        assertThat(target.run(Cdbs.sixteen(0x90, 0, BLOCKS, 1)).asc()).isEqualTo(0x21);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
