package io.basalt.engine.scsi;

import io.basalt.engine.block.BlockDevice.Extent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Logical block provisioning (SBC-3 4.7): WRITE SAME (which may unmap), UNMAP and GET LBA
 * STATUS. The unit is thin and deallocated blocks read as zeroes (LBPRZ); anchoring is not
 * supported.
 */
final class ProvisioningCommands {

    private static final int FF = 0xFF;
    /** WRITE SAME writes at most this many blocks per device request. */
    private static final int WRITE_SAME_CHUNK_BLOCKS = 2048;
    private static final int UNMAP_DESCRIPTOR = 16;
    private static final int LBA_STATUS_DESCRIPTOR = 16;
    private static final int MAPPED = 0;
    private static final int DEALLOCATED = 1;
    /** The NUMBER OF LOGICAL BLOCKS field of an LBA status descriptor is 32 bits. */
    private static final long MAX_DESCRIPTOR_BLOCKS = 0xFFFF_FFFFL;

    private ProvisioningCommands() {
    }

    static List<CommandDescriptor> descriptors() {
        return List.of(
                CommandDescriptor.of("WRITE SAME(10)", Access.WRITE, ProvisioningCommands::writeSame,
                        0x41, 0xE8, FF, FF, FF, FF, 0x1F, FF, FF, 0),
                CommandDescriptor.of("WRITE SAME(16)", Access.WRITE, ProvisioningCommands::writeSame,
                        0x93, 0xE9, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0x1F, 0),
                CommandDescriptor.of("UNMAP", Access.WRITE, ProvisioningCommands::unmap,
                        0x42, 0x00, 0, 0, 0, 0, 0x1F, FF, FF, 0),
                CommandDescriptor.withServiceAction("GET LBA STATUS", 0x12, Access.READ,
                        ProvisioningCommands::getLbaStatus,
                        0x9E, 0x12, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, FF, 0, 0));
    }

    static CompletableFuture<ScsiResponse> writeSame(Task task) {
        byte[] cdb = task.cdb();
        boolean sixteen = cdb.length == 16;
        Cdb.requireZero(cdb, 1, 5, 3);
        if (Cdb.bit(cdb, 1, 4)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 4));
        }
        // PBDATA and LBDATA would need protection information or per-block LBAs in the data.
        Cdb.requireZero(cdb, 1, 1, 2);
        boolean unmap = Cdb.bit(cdb, 1, 3);
        boolean noDataOut = sixteen && Cdb.bit(cdb, 1, 0);
        LogicalUnit unit = task.unit();
        BlockRange addressed = sixteen ? BlockRange.of16(cdb) : BlockRange.of10(cdb);
        long capacity = unit.blocks();
        if (Long.compareUnsigned(addressed.lba(), capacity) > 0) {
            throw CommandException.checkCondition(Sense.lbaOutOfRange());
        }
        // With WSNZ clear, zero blocks means "through the last LBA".
        BlockRange range = addressed.blocks() == 0
                ? new BlockRange(addressed.lba(), capacity - addressed.lba())
                : addressed.requireWithin(capacity);
        if (range.blocks() > unit.config().maxWriteSameBlocks()) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(sixteen ? 10 : 7));
        }
        int blockSize = unit.blockSize();
        ByteBuf block = noDataOut ? Unpooled.wrappedBuffer(new byte[blockSize]) : task.exactDataOut(blockSize);
        ReadWriteCommands.requireWritable(unit);
        if (range.blocks() == 0) {
            return Task.good();
        }
        long transferred = noDataOut ? 0 : blockSize;
        // UNMAP deallocates whatever the block holds: initiators rely on the range reading as
        // zeroes afterwards (LBPRZ), as they do for UNMAP itself.
        if (unmap) {
            return deallocate(unit, range).thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, transferred));
        }
        boolean fua = !unit.modePages().writeCacheEnabled();
        int chunkBlocks = (int) Math.min(range.blocks(), WRITE_SAME_CHUNK_BLOCKS);
        ByteBuf chunk = repeat(ByteBufAllocator.DEFAULT, block, chunkBlocks);
        return writeChunks(unit, range, chunk, chunkBlocks, fua)
                .whenComplete((done, failure) -> chunk.release())
                .thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, transferred));
    }

    private static CompletableFuture<Void> writeChunks(LogicalUnit unit, BlockRange range, ByteBuf chunk,
                                                       int chunkBlocks, boolean fua) {
        if (range.blocks() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        int blocks = (int) Math.min(range.blocks(), chunkBlocks);
        ByteBuf data = chunk.slice(0, blocks * unit.blockSize());
        return ReadWriteCommands.writeBlocks(unit, new BlockRange(range.lba(), blocks), data, fua)
                .thenCompose(done -> writeChunks(unit,
                        new BlockRange(range.lba() + blocks, range.blocks() - blocks), chunk, chunkBlocks, fua));
    }

    static CompletableFuture<ScsiResponse> unmap(Task task) {
        byte[] cdb = task.cdb();
        if (Cdb.bit(cdb, 1, 0)) {
            throw CommandException.checkCondition(Sense.invalidFieldInCdb(1, 0));
        }
        int parameterLength = Cdb.u16(cdb, 7);
        if (parameterLength == 0) {
            return Task.good();
        }
        if (parameterLength < 8) {
            throw CommandException.checkCondition(Sense.parameterListLengthError());
        }
        byte[] parameters = task.parameterList(parameterLength);
        LogicalUnit unit = task.unit();
        int descriptorBytes = Math.min(Cdb.u16(parameters, 2), parameterLength - 8);
        int count = descriptorBytes / UNMAP_DESCRIPTOR;
        if (count > unit.config().maxUnmapDescriptors()) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(2));
        }
        BlockRange[] ranges = new BlockRange[count];
        long capacity = unit.blocks();
        long total = 0;
        for (int i = 0; i < count; i++) {
            int at = 8 + i * UNMAP_DESCRIPTOR;
            ranges[i] = new BlockRange(Cdb.u64(parameters, at), Cdb.u32(parameters, at + 8)).requireWithin(capacity);
            total += ranges[i].blocks();
        }
        if (total > unit.config().maxUnmapBlocks()) {
            throw CommandException.checkCondition(Sense.invalidFieldInParameterList(8));
        }
        ReadWriteCommands.requireWritable(unit);
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (BlockRange range : ranges) {
            if (range.blocks() > 0) {
                all = all.thenCompose(done -> deallocate(unit, range));
            }
        }
        return all.thenApply(done -> ScsiResponse.status(ScsiResponse.GOOD, parameterLength));
    }

    private static CompletableFuture<Void> deallocate(LogicalUnit unit, BlockRange range) {
        int blockSize = unit.blockSize();
        return unit.rangeLocks().acquireShared(range.lba(), range.blocks())
                .thenCompose(lease -> unit.device()
                        .deallocate(range.byteOffset(blockSize), range.blocks() * blockSize)
                        .whenComplete((done, failure) -> lease.release()));
    }

    static CompletableFuture<ScsiResponse> getLbaStatus(Task task) {
        byte[] cdb = task.cdb();
        LogicalUnit unit = task.unit();
        long lba = Cdb.u64(cdb, 2);
        int allocationLength = (int) Math.min(Cdb.u32(cdb, 10), Integer.MAX_VALUE);
        long capacity = unit.blocks();
        if (Long.compareUnsigned(lba, capacity) >= 0) {
            throw CommandException.checkCondition(Sense.lbaOutOfRange());
        }
        int blockSize = unit.blockSize();
        int descriptors = Math.max(1, (allocationLength - 8) / LBA_STATUS_DESCRIPTOR);
        return unit.device().allocation(lba * blockSize, (capacity - lba) * blockSize).thenApply(extents -> {
            byte[] data = encodeLbaStatus(extents, blockSize, descriptors);
            return Task.dataInResponse(data, allocationLength);
        });
    }

    /** LBA status descriptors for the extents; one longer than a descriptor can say is split. */
    private static byte[] encodeLbaStatus(List<Extent> extents, int blockSize, int maxDescriptors) {
        ByteArrayOutputStream descriptors = new ByteArrayOutputStream();
        int count = 0;
        for (Extent extent : extents) {
            long lba = extent.offset() / blockSize;
            long remaining = extent.length() / blockSize;
            while (remaining > 0 && count < maxDescriptors) {
                long blocks = Math.min(remaining, MAX_DESCRIPTOR_BLOCKS);
                byte[] descriptor = new byte[LBA_STATUS_DESCRIPTOR];
                Cdb.putU64(descriptor, 0, lba);
                Cdb.putU32(descriptor, 8, blocks);
                descriptor[12] = (byte) (extent.mapped() ? MAPPED : DEALLOCATED);
                descriptors.writeBytes(descriptor);
                lba += blocks;
                remaining -= blocks;
                count++;
            }
        }
        byte[] data = new byte[8 + descriptors.size()];
        Cdb.putU32(data, 0, data.length - 4);
        System.arraycopy(descriptors.toByteArray(), 0, data, 8, descriptors.size());
        return data;
    }

    private static ByteBuf repeat(ByteBufAllocator allocator, ByteBuf block, int times) {
        int blockSize = block.readableBytes();
        ByteBuf result = allocator.buffer(blockSize * times);
        for (int i = 0; i < times; i++) {
            result.writeBytes(block, block.readerIndex(), blockSize);
        }
        return result;
    }
}
