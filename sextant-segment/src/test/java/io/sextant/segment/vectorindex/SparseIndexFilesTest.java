package io.sextant.segment.vectorindex;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.segment.PointId;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorElementType;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.storage.Segment;
import io.sextant.segment.storage.SegmentWriter;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sparse index file of an immutable segment is derived data: a corrupt, truncated or missing
 * file is rebuilt from the stored vectors at open, and a datatype change finds no file for the new
 * datatype and builds one (removing the old). Search results stay those of an exact scan.
 */
class SparseIndexFilesTest {
    @TempDir
    Path tmp;

    private static SegmentVectors layout(VectorElementType type) {
        return new SegmentVectors(Map.of(), Map.of("t", new SparseVectorSpec(null, false, type, false)));
    }

    private Path writeSegment(Random r) {
        Path src = tmp.resolve("src");
        Segment a = Segment.createAppendable(src, layout(VectorElementType.FLOAT32));
        for (int i = 0; i < 300; i++) {
            int[] ids = {r.nextInt(50), 50 + r.nextInt(50), Integer.MIN_VALUE + r.nextInt(5)};
            float[] w = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
            a.append(PointId.of(i), 1, Map.of(), Map.of("t", SparseVector.of(ids, w)), null);
        }
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            refs.add(new SegmentWriter.PointRef(a, i));
        }
        Path dir = tmp.resolve("imm");
        SegmentWriter.write(dir, layout(VectorElementType.FLOAT32), refs, 1);
        a.close();
        return dir;
    }

    private static List<SegmentSearcher.Hit> search(Segment s, SparseVector q, boolean exact) {
        return SparseSegmentSearcher.search(
                s,
                new SparseSegmentSearcher.Request("t", q, Filter.ALL, 10, null, new SearchParams(null, exact, false)));
    }

    private static List<String> indexFiles(Path dir) throws IOException {
        try (Stream<Path> f = Files.list(dir)) {
            return f.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("sparse-index-"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void corruptTruncatedOrMissingIndexIsRebuiltAndAnswersLikeAScan() throws IOException {
        Random r = new Random(5);
        Path dir = writeSegment(r);
        SparseVector q = SparseVector.of(new int[] {3, 60, Integer.MIN_VALUE + 1}, new float[] {1, 2, 0.5f});
        Segment s = Segment.open(dir, layout(VectorElementType.FLOAT32), Map.of());
        List<SegmentSearcher.Hit> want = search(s, q, true);
        assertThat(want).hasSize(10);
        assertThat(search(s, q, false)).isEqualTo(want);
        s.close();
        Path file = SparseIndexFiles.file(dir, "t", new SparseVectorSpec(null, false, null, false));
        for (int damage = 0; damage < 3; damage++) {
            switch (damage) {
                case 0 -> {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), Files.size(file) / 2);
                    }
                }
                case 1 -> {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(Files.size(file) - 7);
                    }
                }
                default -> Files.delete(file);
            }
            Segment again = Segment.open(dir, layout(VectorElementType.FLOAT32), Map.of());
            assertThat(search(again, q, false)).as("damage %d", damage).isEqualTo(want);
            again.close();
            assertThat(Files.exists(file)).isTrue();
        }
        assertThat(indexFiles(dir)).containsExactly(file.getFileName().toString());
    }

    @Test
    void aNewDatatypeBuildsItsOwnFileAndDropsTheOld() throws IOException {
        Path dir = writeSegment(new Random(6));
        Segment s = Segment.open(dir, layout(VectorElementType.FLOAT16), Map.of());
        SparseVector q = SparseVector.of(new int[] {3, 60}, new float[] {1, 2});
        List<SegmentSearcher.Hit> approx = search(s, q, false);
        List<SegmentSearcher.Hit> exact = search(s, q, true);
        assertThat(approx).hasSameSizeAs(exact);
        for (int i = 0; i < exact.size(); i++) { // float16 weights: scores within half-precision rounding
            assertThat(approx.get(i).score())
                    .isCloseTo(exact.get(i).score(), org.assertj.core.data.Offset.offset(0.01f));
        }
        s.close();
        assertThat(indexFiles(dir))
                .containsExactly(SparseIndexFiles.file(
                                dir, "t", new SparseVectorSpec(null, false, VectorElementType.FLOAT16, false))
                        .getFileName()
                        .toString());
    }
}
