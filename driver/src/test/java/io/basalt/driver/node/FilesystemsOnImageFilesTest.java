package io.basalt.driver.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.api.v1alpha1.FsType;
import io.basalt.driver.exec.CommandException;
import io.basalt.driver.exec.ProcessCommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real blkid, mkfs and e2fsck (Debian packages util-linux, e2fsprogs, xfsprogs) on sparse
 * image files: the command lines and the parsing of their answers, without any disk.
 */
class FilesystemsOnImageFilesTest {

    private static final long XFS_MINIMUM = 320L << 20;

    @TempDir
    Path dir;

    private final Filesystems filesystems = new Filesystems(new ProcessCommandRunner());

    @Test
    void aBlankImageHoldsNothing() throws IOException {
        Path image = sparseImage("blank.img", 64L << 20);

        assertThat(filesystems.probe(image).blank()).isTrue();
    }

    @Test
    void ext4MadeOnABlankImageIsFoundAndPassesTheCheck() throws IOException {
        Path image = sparseImage("ext4.img", 64L << 20);

        filesystems.format(image, FsType.EXT4);

        assertThat(filesystems.probe(image).fsType()).hasValue("ext4");
        assertThatCode(() -> filesystems.check(image, FsType.EXT4)).doesNotThrowAnyException();
    }

    @Test
    void xfsMadeOnABlankImageIsFound() throws IOException {
        Path image = sparseImage("xfs.img", XFS_MINIMUM);

        filesystems.format(image, FsType.XFS);

        assertThat(filesystems.probe(image).fsType()).hasValue("xfs");
    }

    @Test
    void aCorruptedExt4FailsThePreenCheck() throws IOException {
        Path image = sparseImage("broken.img", 64L << 20);
        filesystems.format(image, FsType.EXT4);
        // Zero the block group descriptors right after the superblock (1 KiB blocks: block 2).
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.seek(2048);
            file.write(new byte[8192]);
        }

        assertThatThrownBy(() -> filesystems.check(image, FsType.EXT4))
                .isInstanceOfSatisfying(CommandException.class, e -> {
                    assertThat(e.commandLine()).isEqualTo("e2fsck -p " + image);
                    assertThat(e.exitCode()).isPresent();
                    assertThat(e.exitCode().getAsInt()).isGreaterThanOrEqualTo(4);
                });
    }

    private Path sparseImage(String name, long bytes) throws IOException {
        Path image = dir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(bytes);
        }
        return image;
    }
}
