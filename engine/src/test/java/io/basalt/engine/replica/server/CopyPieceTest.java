package io.basalt.engine.replica.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.basalt.engine.replica.protocol.Message.Extent;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** How a copy cuts the source's allocation into reads. */
class CopyPieceTest {

    private static final int KIB = 1024;
    private static final int MAX_READ = 64 * KIB;

    @Test
    void aMappedExtentLongerThanOneReadIsReadInPiecesOfTheLargestRead() {
        List<CopyPiece> pieces = CopyPiece.cut(List.of(new Extent(0, 150 * KIB, true)), MAX_READ);

        assertThat(pieces).extracting(CopyPiece::readOffset, CopyPiece::readLength).containsExactly(
                tuple(0L, MAX_READ), tuple(64L * KIB, MAX_READ), tuple(128L * KIB, 22 * KIB));
    }

    @Test
    void shortRunsBetweenSmallHolesAreReadTogetherWithTheHoles() {
        List<Extent> fragmented = List.of(new Extent(0, 12 * KIB, true), new Extent(12 * KIB, 4 * KIB, false),
                new Extent(16 * KIB, 12 * KIB, true), new Extent(28 * KIB, 4 * KIB, false),
                new Extent(32 * KIB, 12 * KIB, true));

        List<CopyPiece> pieces = CopyPiece.cut(fragmented, MAX_READ);

        assertThat(pieces).singleElement().satisfies(piece -> {
            assertThat(piece.readOffset()).isZero();
            assertThat(piece.readLength()).isEqualTo(44 * KIB);
            assertThat(piece.extents()).isEqualTo(fragmented);
        });
    }

    @Test
    void runsFurtherApartThanOneReadAreReadApart() {
        List<Extent> apart = List.of(new Extent(0, 4 * KIB, true), new Extent(4 * KIB, 100 * KIB, false),
                new Extent(104 * KIB, 4 * KIB, true));

        List<CopyPiece> pieces = CopyPiece.cut(apart, MAX_READ);

        assertThat(pieces).extracting(CopyPiece::readOffset).containsExactly(0L, 104L * KIB);
        assertThat(pieces).extracting(CopyPiece::readLength).containsExactly(4 * KIB, 4 * KIB);
    }

    @Test
    void aRangeWithNothingMappedReadsNothing() {
        List<Extent> holes = List.of(new Extent(0, 8L << 20, false));

        List<CopyPiece> pieces = CopyPiece.cut(holes, MAX_READ);

        assertThat(pieces).singleElement().satisfies(piece -> {
            assertThat(piece.readLength()).isZero();
            assertThat(piece.extents()).isEqualTo(holes);
        });
    }

    @Test
    void aPieceDeallocatesItsHolesOutsideTheSpanAndTakesTheSpanAsTheSourceAnswered() {
        CopyPiece piece = new CopyPiece(List.of(new Extent(0, 8 * KIB, false), new Extent(8 * KIB, 12 * KIB, true),
                new Extent(20 * KIB, 4 * KIB, false), new Extent(24 * KIB, 4 * KIB, true),
                new Extent(28 * KIB, 8 * KIB, false)), 8 * KIB, 20 * KIB);
        List<Extent> span = List.of(new Extent(8 * KIB, 4 * KIB, true), new Extent(12 * KIB, 12 * KIB, false),
                new Extent(24 * KIB, 4 * KIB, true));

        assertThat(piece.runs(span)).containsExactly(new Extent(0, 8 * KIB, false), new Extent(8 * KIB, 4 * KIB, true),
                new Extent(12 * KIB, 12 * KIB, false), new Extent(24 * KIB, 4 * KIB, true),
                new Extent(28 * KIB, 8 * KIB, false));
    }

    @Test
    void holesNextToARunOfZerosAreDeallocatedWithItInOneRun() {
        CopyPiece piece = new CopyPiece(List.of(new Extent(0, 4 * KIB, false), new Extent(4 * KIB, 4 * KIB, true),
                new Extent(8 * KIB, 4 * KIB, false)), 4 * KIB, 4 * KIB);

        assertThat(piece.runs(List.of(new Extent(4 * KIB, 4 * KIB, false))))
                .containsExactly(new Extent(0, 12 * KIB, false));
    }

    @Property(tries = 300)
    void thePiecesCoverTheExtentsInOrderAndReadEveryMappedByteWithinTheLargestRead(
            @ForAll("allocations") List<Extent> extents) {
        List<CopyPiece> pieces = CopyPiece.cut(extents, MAX_READ);

        List<Extent> covered = new ArrayList<>();
        for (CopyPiece piece : pieces) {
            assertThat(piece.readLength()).isBetween(0, MAX_READ);
            for (Extent extent : piece.extents()) {
                if (extent.mapped()) {
                    assertThat(extent.offset()).isGreaterThanOrEqualTo(piece.readOffset());
                    assertThat(extent.end()).isLessThanOrEqualTo(piece.readOffset() + piece.readLength());
                }
            }
            covered.addAll(piece.extents());
        }
        assertThat(merged(covered)).isEqualTo(merged(extents));
    }

    /** Adjacent extents alternating between mapped and not, as a pool answers for its allocation. */
    @Provide
    Arbitrary<List<Extent>> allocations() {
        return Arbitraries.integers().between(1, 40 * 4).map(blocks -> blocks * 4L * KIB).list().ofMaxSize(30)
                .flatMap(lengths -> Arbitraries.of(true, false).map(firstMapped -> {
                    List<Extent> extents = new ArrayList<>();
                    long offset = 0;
                    boolean mapped = firstMapped;
                    for (long length : lengths) {
                        extents.add(new Extent(offset, length, mapped));
                        offset += length;
                        mapped = !mapped;
                    }
                    return extents;
                }));
    }

    /** The extents with neighbours of the same kind joined, so that cut extents compare equal to whole ones. */
    private static List<Extent> merged(List<Extent> extents) {
        SparseRuns merged = new SparseRuns();
        extents.forEach(extent -> merged.add(extent.offset(), extent.end(), extent.mapped()));
        return merged.toList();
    }
}
