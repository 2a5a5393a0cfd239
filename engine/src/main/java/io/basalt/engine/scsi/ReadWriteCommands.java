package io.basalt.engine.scsi;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commands that move or compare user data (SBC-3 5): READ, WRITE, WRITE AND VERIFY, VERIFY,
 * COMPARE AND WRITE, ORWRITE, SYNCHRONIZE CACHE and PRE-FETCH.
 *
 * <p>Protection information is not supported, so any nonzero RDPROTECT, WRPROTECT, VRPROTECT or
 * ORPROTECT field is an invalid field in the CDB.
 */
final class ReadWriteCommands {

    private static final int FF = 0xFF;

    private ReadWriteCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("READ(6)", Access.READ, ReadWriteCommands::read, 0x08, 0x1F, FF, FF, FF, 0).transferringBlocks(),
                CommandDescriptor.of("READ(10)", Access.READ, ReadWriteCommands::read,
                        0x28, 0xF8, FF, FF, FF, FF, 0x1F, FF, FF, 0).transferringBlocks(),
                CommandDescriptor.of("READ(12)", Access.READ, ReadWriteCommands::read,
                        0xA8, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("READ(16)", Access.READ, ReadWriteCommands::read,
                        0x88, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE(6)", Access.WRITE, ReadWriteCommands::write, 0x0A, 0x1F, FF, FF, FF, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE(10)", Access.WRITE, ReadWriteCommands::write,
                        0x2A, 0xF8, FF, FF, FF, FF, 0x1F, FF, FF, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE(12)", Access.WRITE, ReadWriteCommands::write,
                        0xAA, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE(16)", Access.WRITE, ReadWriteCommands::write,
                        0x8A, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE AND VERIFY(10)", Access.WRITE, ReadWriteCommands::writeAndVerify,
                        0x2E, 0xF6, FF, FF, FF, FF, 0x1F, FF, FF, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE AND VERIFY(12)", Access.WRITE, ReadWriteCommands::writeAndVerify,
                        0xAE, 0xF6, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("WRITE AND VERIFY(16)", Access.WRITE, ReadWriteCommands::writeAndVerify,
                        0x8E, 0xF6, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("VERIFY(10)", Access.READ, ReadWriteCommands::verify,
                        0x2F, 0xF6, FF, FF, FF, FF, 0x1F, FF, FF, 0),
                CommandDescriptor.of("VERIFY(12)", Access.READ, ReadWriteCommands::verify,
                        0xAF, 0xF6, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0),
                CommandDescriptor.of("VERIFY(16)", Access.READ, ReadWriteCommands::verify,
                        0x8F, 0xF6, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0),
                CommandDescriptor.of("COMPARE AND WRITE", Access.WRITE, ReadWriteCommands::compareAndWrite,
                        0x89, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, 0, 0, 0, FF, 0x1F, 0),
                CommandDescriptor.of("ORWRITE(16)", Access.WRITE, ReadWriteCommands::orWrite,
                        0x8B, 0xF8, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0).transferringBlocks(),
                CommandDescriptor.of("SYNCHRONIZE CACHE(10)", Access.WRITE, ReadWriteCommands::synchronizeCache,
                        0x35, 0x02, FF, FF, FF, FF, 0x1F, FF, FF, 0),
                CommandDescriptor.of("SYNCHRONIZE CACHE(16)", Access.WRITE, ReadWriteCommands::synchronizeCache,
                        0x91, 0x02, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0),
                CommandDescriptor.of("PRE-FETCH(10)", Access.READ, ReadWriteCommands::preFetch,
                        0x34, 0x02, FF, FF, FF, FF, 0x1F, FF, FF, 0),
                CommandDescriptor.of("PRE-FETCH(16)", Access.READ, ReadWriteCommands::preFetch,
                        0x90, 0x02, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0));
    }

    static CompletableFuture<ScsiResponse> read(Task task) {
        byte[] cdb = task.cdb();
        BlockRange range = transfer(task, cdb.length != 6);
        if (range.blocks() == 0) {
            return Task.good();
        }
        LogicalUnit unit = task.unit();
        int length = range.byteLength(unit.blockSize());
        return unit.device().read(range.byteOffset(unit.blockSize()), length)
                .thenApply(data -> ScsiResponse.good(data, length));
    }

    static CompletableFuture<ScsiResponse> write(Task task) {
        byte[] cdb = task.cdb();
        BlockRange range = transfer(task, cdb.length != 6);
        requireWritable(task.unit());
        boolean fua = cdb.length != 6 && Cdb.bit(cdb, 1, 3);
        return writeData(task, range, fua);
    }

    static CompletableFuture<ScsiResponse> writeAndVerify(Task task) {
        requireByteCheckAtMost(task.cdb(), 1);
        BlockRange range = transfer(task, true);
        requireWritable(task.unit());
        // The data is verified by making it durable before answering.
        return writeData(task, range, true);
    }

    private static CompletableFuture<ScsiResponse> writeData(Task task, BlockRange range, boolean fua) {
        if (range.blocks() == 0) {
            return Task.good();
        }
        LogicalUnit unit = task.unit();
        int blockSize = unit.blockSize();
        int length = range.byteLength(blockSize);
        int received = Math.min(task.dataOutLength(), length);
        // The initiator may send less than the CDB describes (its expected length is smaller):
        // whole blocks are written and the rest is left alone; a partial block cannot be.
        if (received % blockSize != 0) {
            throw CommandException.checkCondition(Sense.invalidFieldInInformationUnit());
        }
        if (received == 0) {
            return CompletableFuture.completedFuture(ScsiResponse.status(ScsiResponse.GOOD, length));
        }
        BlockRange written = new BlockRange(range.lba(), received / blockSize);
        return writeBlocks(unit, written, task.dataOut(received), fua || !unit.modePages().writeCacheEnabled())
                .thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, length));
    }

    /** Writes under a shared range lock, so that no COMPARE AND WRITE interleaves with it. */
    static CompletableFuture<Void> writeBlocks(LogicalUnit unit, BlockRange range, ByteBuf data, boolean fua) {
        return unit.rangeLocks().acquireShared(range.lba(), range.blocks())
                .thenCompose(lease -> unit.device().write(range.byteOffset(unit.blockSize()), data, fua)
                        .whenComplete((done, failure) -> lease.release()));
    }

    static CompletableFuture<ScsiResponse> verify(Task task) {
        byte[] cdb = task.cdb();
        int byteCheck = Cdb.bits(cdb, 1, 1, 2);
        if (byteCheck == 2) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 2));
        }
        BlockRange range = transfer(task, true);
        if (range.blocks() == 0 || byteCheck == 0) {
            // Without BYTCHK the medium is only checked; a file has no unreadable sectors to find.
            return Task.good();
        }
        LogicalUnit unit = task.unit();
        int blockSize = unit.blockSize();
        int length = range.byteLength(blockSize);
        ByteBuf expected = task.dataOut(byteCheck == 1 ? length : blockSize);
        return unit.device().read(range.byteOffset(blockSize), length).thenApply(actual -> {
            try {
                long mismatch = byteCheck == 1 ? firstMismatch(actual, expected) : firstMismatchRepeated(actual, expected);
                if (mismatch >= 0) {
                    throw CommandException.checkCondition(Sense.miscompare(mismatch));
                }
                return ScsiResponse.status(ScsiResponse.GOOD, expected.readableBytes());
            } finally {
                actual.release();
            }
        });
    }

    static CompletableFuture<ScsiResponse> compareAndWrite(Task task) {
        byte[] cdb = task.cdb();
        Cdb.requireZero(cdb, 1, 5, 3);
        LogicalUnit unit = task.unit();
        int blocks = Cdb.u8(cdb, 13);
        if (blocks > unit.config().maxCompareAndWriteBlocks()) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(13));
        }
        BlockRange range = new BlockRange(Cdb.u64(cdb, 2), blocks).requireWithin(unit.blocks());
        if (blocks == 0) {
            // Zero blocks transfer nothing; data-out then means the CDB does not say what was meant.
            if (task.dataOutLength() > 0) {
                throw CommandException.checkCondition(Sense.invalidFieldInCdb(13));
            }
            return Task.good();
        }
        requireWritable(unit);
        int blockSize = unit.blockSize();
        int length = range.byteLength(blockSize);
        ByteBuf both = task.exactDataOut(2 * length);
        ByteBuf compare = both.slice(both.readerIndex(), length);
        ByteBuf replacement = both.slice(both.readerIndex() + length, length);
        boolean fua = Cdb.bit(cdb, 1, 3) || !unit.modePages().writeCacheEnabled();
        return unit.rangeLocks().acquireExclusive(range.lba(), blocks).thenCompose(lease -> {
            CompletableFuture<ScsiResponse> result = unit.device().read(range.byteOffset(blockSize), length)
                    .thenCompose(current -> {
                        long mismatch;
                        try {
                            mismatch = firstMismatch(current, compare);
                        } finally {
                            current.release();
                        }
                        if (mismatch >= 0) {
                            throw CommandException.checkCondition(Sense.miscompare(mismatch));
                        }
                        return unit.device().write(range.byteOffset(blockSize), replacement, fua);
                    })
                    .thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, 2L * length));
            return result.whenComplete((response, failure) -> lease.release());
        });
    }

    static CompletableFuture<ScsiResponse> orWrite(Task task) {
        byte[] cdb = task.cdb();
        BlockRange range = transfer(task, true);
        LogicalUnit unit = task.unit();
        requireWritable(unit);
        if (range.blocks() == 0) {
            return Task.good();
        }
        int blockSize = unit.blockSize();
        int length = range.byteLength(blockSize);
        ByteBuf mask = task.dataOut(length);
        boolean fua = Cdb.bit(cdb, 1, 3) || !unit.modePages().writeCacheEnabled();
        return unit.rangeLocks().acquireExclusive(range.lba(), range.blocks()).thenCompose(lease ->
                unit.device().read(range.byteOffset(blockSize), length).thenCompose(current -> {
                    for (int i = 0; i < length; i++) {
                        current.setByte(i, current.getByte(i) | mask.getByte(mask.readerIndex() + i));
                    }
                    return unit.device().write(range.byteOffset(blockSize), current, fua)
                            .whenComplete((done, failure) -> current.release());
                }).whenComplete((done, failure) -> lease.release())
        ).thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, length));
    }

    static CompletableFuture<ScsiResponse> synchronizeCache(Task task) {
        byte[] cdb = task.cdb();
        LogicalUnit unit = task.unit();
        BlockRange.of(cdb).requireWithin(unit.blocks());
        CompletableFuture<Void> flush = unit.device().flush();
        if (Cdb.bit(cdb, 1, 1)) {
            return Task.good();
        }
        return flush.thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, 0));
    }

    static CompletableFuture<ScsiResponse> preFetch(Task task) {
        BlockRange.of(task.cdb()).requireWithin(task.unit().blocks());
        // Reads are served from the file system's cache already; there is nothing to stage.
        return Task.good();
    }

    /**
     * Validates a data-transfer CDB: protection field, range, transfer limit.
     *
     * @param hasProtectField whether byte 1 bits 7-5 hold a protection field (not in 6-byte CDBs)
     */
    private static BlockRange transfer(Task task, boolean hasProtectField) {
        byte[] cdb = task.cdb();
        if (hasProtectField) {
            Cdb.requireZero(cdb, 1, 5, 3);
        }
        LogicalUnit unit = task.unit();
        BlockRange range = BlockRange.of(cdb).requireWithin(unit.blocks());
        if (range.blocks() > unit.config().maxTransferBlocks()) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(transferLengthByte(cdb.length)));
        }
        return range;
    }

    private static int transferLengthByte(int cdbLength) {
        return switch (cdbLength) {
            case 6 -> 4;
            case 10 -> 7;
            case 12 -> 6;
            default -> 10;
        };
    }

    private static void requireByteCheckAtMost(byte[] cdb, int max) {
        if (Cdb.bits(cdb, 1, 1, 2) > max) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 2));
        }
    }

    /** Fails with DATA PROTECT / WRITE PROTECTED while the control mode page's SWP bit is set. */
    static void requireWritable(LogicalUnit unit) {
        if (unit.modePages().softwareWriteProtect()) {
            throw CommandException.checkCondition(Sense.writeProtected());
        }
    }

    /** The offset of the first differing byte, or -1. */
    static long firstMismatch(ByteBuf actual, ByteBuf expected) {
        int length = expected.readableBytes();
        int a = actual.readerIndex();
        int e = expected.readerIndex();
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (actual.getLong(a + i) != expected.getLong(e + i)) {
                break;
            }
        }
        for (; i < length; i++) {
            if (actual.getByte(a + i) != expected.getByte(e + i)) {
                return i;
            }
        }
        return -1;
    }

    /** Compares every block of {@code actual} with the single block {@code expected}. */
    private static long firstMismatchRepeated(ByteBuf actual, ByteBuf expected) {
        int blockSize = expected.readableBytes();
        for (int offset = 0; offset < actual.readableBytes(); offset += blockSize) {
            long mismatch = firstMismatch(actual.slice(actual.readerIndex() + offset, blockSize), expected);
            if (mismatch >= 0) {
                return offset + mismatch;
            }
        }
        return -1;
    }
}
