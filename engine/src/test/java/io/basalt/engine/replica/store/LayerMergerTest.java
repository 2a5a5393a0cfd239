package io.basalt.engine.replica.store;

import static io.basalt.engine.replica.store.Content.BLOCK;
import static io.basalt.engine.replica.store.Content.filled;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerMergerTest {

    private static final int BLOCKS = 1024;

    @TempDir
    Path directory;

    private Layer parent;
    private Layer child;

    @BeforeEach
    void createLayers() throws Exception {
        MetadataWriter writer = new MetadataWriter(MetadataWriter.StepHook.NONE);
        parent = Layer.create(directory, "parent", "vol", null, writer);
        child = Layer.create(directory, "child", "vol", parent, writer);
    }

    @AfterEach
    void closeLayers() throws Exception {
        parent.close();
        child.close();
    }

    @Test
    void aSmallParentIsCopiedIntoTheChildWhichThenStandsAlone() throws Exception {
        write(parent, 0, 4, 1);
        write(child, 0, 64, 2);

        new LayerMerger(parent, child, true, () -> { }, () -> false).merge();

        assertThat(child.parent()).isNull();
        assertThat(child.dataFile().getFileName().toString()).isEqualTo("data.0");
        assertThat(read(child, 0)).isEqualTo(filled(2, BLOCK));
        assertThat(read(child, 100)).isEqualTo(new byte[BLOCK]);
        assertThat(child.map().writtenBlocks()).isEqualTo(64);
    }

    @Test
    void aSmallChildIsCopiedIntoTheParentWhoseDataFileTheChildThenAdopts() throws Exception {
        write(parent, 0, 64, 1);
        write(child, 10, 2, 2);

        new LayerMerger(parent, child, false, () -> { }, () -> false).merge();

        assertThat(child.parent()).isNull();
        assertThat(child.dataFile().getFileName().toString()).isEqualTo("data.1");
        assertThat(read(child, 9)).isEqualTo(filled(1, BLOCK));
        assertThat(read(child, 10)).isEqualTo(filled(2, BLOCK));
        assertThat(child.map().writtenBlocks()).isEqualTo(64);
    }

    @Test
    void aLargeWritableChildIsNotCopiedUpInOneGoEvenWhenThatWouldCopyLess() throws Exception {
        long large = LayerMerger.MAX_BLOCKS_COPIED_WITHOUT_YIELDING + 1;
        parent.map().markWritten(0, 3 * large);
        child.map().markWritten(0, large);

        new LayerMerger(parent, child, true, () -> { }, () -> false).merge();

        assertThat(child.dataFile().getFileName().toString()).isEqualTo("data.0");
        assertThat(child.map().writtenBlocks()).isEqualTo(3 * large);
    }

    @Test
    void aLargeFrozenChildIsCopiedUpWhenThatCopiesLess() throws Exception {
        long large = LayerMerger.MAX_BLOCKS_COPIED_WITHOUT_YIELDING + 1;
        parent.map().markWritten(0, 3 * large);
        child.map().markWritten(0, large);

        new LayerMerger(parent, child, false, () -> { }, () -> false).merge();

        assertThat(child.dataFile().getFileName().toString()).isEqualTo("data.1");
        assertThat(child.map().writtenBlocks()).isEqualTo(3 * large);
    }

    @Test
    void aBlockWrittenToTheChildBetweenTwoBatchesIsNotOverwrittenByTheMerge() throws Exception {
        write(parent, 0, BLOCKS, 1);
        write(child, BLOCKS, 2 * BLOCKS, 2);
        AtomicInteger batches = new AtomicInteger();
        Runnable writeBetweenBatches = () -> {
            if (batches.incrementAndGet() == 1) {
                write(child, BLOCKS - 1, 1, 3);
            }
        };

        new LayerMerger(parent, child, true, writeBetweenBatches, () -> false).merge();

        assertThat(batches.get()).isGreaterThan(1);
        assertThat(read(child, BLOCKS - 1)).isEqualTo(filled(3, BLOCK));
        assertThat(read(child, BLOCKS - 2)).isEqualTo(filled(1, BLOCK));
    }

    private static void write(Layer layer, long firstBlock, int blocks, int value) {
        try {
            layer.write(Blocks.offsetOf(firstBlock), ByteBuffer.wrap(filled(value, blocks * BLOCK)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        layer.map().markWritten(firstBlock, firstBlock + blocks);
    }

    private static byte[] read(Layer layer, long block) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        layer.read(Blocks.offsetOf(block), buffer);
        return buffer.array();
    }
}
