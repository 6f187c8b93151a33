package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sextant.segment.PointId;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.vector.Distance;
import io.sextant.vector.sparse.SparseVector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named vectors created and dropped on segments that already hold points (reopen with another layout). */
class VectorNameChangeTest {
    @TempDir
    Path tmp;

    private static final VectorSpec A = new VectorSpec(2, Distance.EUCLID, false);
    private static final VectorSpec B = new VectorSpec(4, Distance.DOT, false);
    private static final VectorSpec C = new VectorSpec(3, Distance.EUCLID, true);

    private static SegmentVectors layout(Map<String, VectorSpec> dense, Map<String, SparseVectorSpec> sparse) {
        return new SegmentVectors(dense, sparse);
    }

    @Test
    void remapMovesBitsToTheNewSortedOrderAndClearsDroppedOnes() {
        VectorNameChange c = VectorNameChange.between(List.of("a", "c", "e"), List.of("a", "b", "e"));
        assertThat(c.identity()).isFalse();
        assertThat(c.added()).containsExactly("b");
        assertThat(c.dropped()).containsExactly("c");
        // stored: a=bit0, c=bit1, e=bit2 -> current: a=bit0, b=bit1, e=bit2
        assertThat(c.remap(0b111)).isEqualTo(0b101);
        assertThat(c.remap(0b010)).isZero();
        VectorNameChange shift = VectorNameChange.between(List.of("b", "c"), List.of("a", "b", "c"));
        assertThat(shift.remap(0b11)).isEqualTo(0b110);
        assertThat(VectorNameChange.between(List.of("x"), List.of("x")).remap(1))
                .isEqualTo(1);
    }

    @Test
    void ownerOfRecognisesEveryPerVectorFileAndNothingElse() {
        assertThat(VectorNameChange.ownerOf("vectors-61.bin")).isEqualTo("a");
        assertThat(VectorNameChange.ownerOf("vectors-.bin")).isEmpty();
        assertThat(VectorNameChange.ownerOf("sparse-6162.bin")).isEqualTo("ab");
        assertThat(VectorNameChange.ownerOf("sparse-index-6162-float32.bin")).isEqualTo("ab");
        assertThat(VectorNameChange.ownerOf("hnsw-61-0011aabb.bin")).isEqualTo("a");
        assertThat(VectorNameChange.ownerOf("quant-61-0011aabb.bin")).isEqualTo("a");
        assertThat(VectorNameChange.ownerOf("points.bin")).isNull();
        assertThat(VectorNameChange.ownerOf("deleted.bin")).isNull();
        assertThat(VectorNameChange.ownerOf("vectors-61.bin.tmp")).isNull();
        assertThat(VectorNameChange.ownerOf("vectors-6.bin")).isNull();
        assertThat(VectorNameChange.ownerOf("vectors-zz.bin")).isNull();
    }

    @Test
    void appendableSegmentGainsAndLosesNamesAcrossReopens() throws Exception {
        Path dir = tmp.resolve("seg");
        SparseVectorSpec sp = SparseVectorSpec.DEFAULT;
        Segment s = Segment.createAppendable(dir, layout(Map.of("a", A, "c", C), Map.of("s", sp)));
        for (int i = 0; i < 10; i++) {
            s.append(
                    PointId.of(i),
                    i + 1,
                    Map.of("a", new float[] {i, 1}, "c", new float[] {i, 2, 3}),
                    i % 2 == 0 ? Map.of("s", new SparseVector(new int[] {i}, new float[] {1f})) : Map.of(),
                    JsonNodeFactory.instance.objectNode().put("i", i));
        }
        s.flush(10);
        s.close();

        // add "b" (sorts between a and c: c's presence bit moves) and keep the sparse vector
        SegmentVectors withB = layout(Map.of("a", A, "b", B, "c", C), Map.of("s", sp));
        Segment re = Segment.open(dir, withB, Map.of());
        int o3 = re.offsetOf(PointId.of(3));
        assertThat(re.vector(o3, "a")).containsExactly(3, 1);
        assertThat(re.vector(o3, "c")).containsExactly(3, 2, 3);
        assertThat(re.vector(o3, "b")).isNull();
        assertThat(re.sparseVector(re.offsetOf(PointId.of(4)), "s").indices()).containsExactly(4);
        assertThat(re.sparseVector(o3, "s")).isNull();
        assertThat(re.view(o3).hasVector("c")).isTrue();
        assertThat(re.view(o3).hasVector("b")).isFalse();
        re.append(PointId.of(3), 11, Map.of("b", new float[] {1, 2, 3, 4}), Map.of(), null);
        re.delete(o3);
        re.flush(11);
        re.close();
        assertThat(PointsFile.read(dir.resolve(PointsFile.NAME)).names()).containsExactly("a", "b", "c", "s");

        // drop "c" and the sparse "s": their files go, the others keep their vectors
        SegmentVectors noC = layout(Map.of("a", A, "b", B), Map.of());
        Segment d = Segment.open(dir, noC, Map.of());
        assertThat(d.vector(d.offsetOf(PointId.of(3)), "b")).containsExactly(1, 2, 3, 4);
        assertThat(d.vector(d.offsetOf(PointId.of(3)), "a")).isNull(); // replaced by the b-only upsert
        assertThat(d.vector(d.offsetOf(PointId.of(5)), "a")).containsExactly(5, 1);
        assertThat(d.vectors(d.offsetOf(PointId.of(5)))).containsOnlyKeys("a");
        assertThat(d.sparseVectors(d.offsetOf(PointId.of(4)))).isEmpty();
        assertThat(files(dir)).doesNotContain(MmapVectorStorage.fileName("c"), SparseVectorStorage.fileName("s"));
        assertThat(PointsFile.read(dir.resolve(PointsFile.NAME)).names()).containsExactly("a", "b");
        d.append(PointId.of(20), 12, Map.of("a", new float[] {7, 7}), Map.of(), null);
        d.flush(12);
        d.close();

        // re-create "c" with another size: the old data of "c" must not come back
        VectorSpec c2 = new VectorSpec(5, Distance.COSINE, false);
        Segment again = Segment.open(dir, layout(Map.of("a", A, "b", B, "c", c2), Map.of()), Map.of());
        assertThat(again.vector(again.offsetOf(PointId.of(5)), "c")).isNull();
        assertThat(again.vector(again.offsetOf(PointId.of(20)), "a")).containsExactly(7, 7);
        again.append(PointId.of(21), 13, Map.of("c", new float[] {1, 0, 0, 0, 0}), Map.of(), null);
        again.flush(13);
        again.close();
        Segment last = Segment.open(dir, layout(Map.of("a", A, "b", B, "c", c2), Map.of()), Map.of());
        assertThat(last.vector(last.offsetOf(PointId.of(21)), "c")).containsExactly(1, 0, 0, 0, 0);
        assertThat(last.liveCount()).isEqualTo(12);
        last.close();
    }

    @Test
    void immutableSegmentWithGraphKeepsItWhenAnotherNameIsAddedAndDropped() throws Exception {
        Path src = tmp.resolve("src");
        Map<String, VectorSpec> ab = Map.of("a", A, "b", B);
        Segment s = Segment.createAppendable(src, ab);
        for (int i = 0; i < 200; i++) {
            s.append(PointId.of(i), i + 1, Map.of("a", new float[] {i, -i}, "b", new float[] {1, i, 0, 0}), null);
        }
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        s.liveOffsetsById(null).forEachRemaining((int o) -> refs.add(new SegmentWriter.PointRef(s, o)));
        Path dir = tmp.resolve("imm");
        SegmentWriter.write(dir, ab, refs, 200);
        Segment imm = Segment.open(dir, ab, Map.of());
        imm.attachGraph("a", SegmentIndexBuilder.buildGraph(imm, "a", Map.of()));
        imm.close();
        assertThat(files(dir)).anyMatch(f -> f.startsWith("hnsw-61-"));

        // drop "b", add sparse "z" and dense "0" (sorts first: "a"'s bit moves from 0 to 1)
        VectorSpec zero = new VectorSpec(3, Distance.DOT, false);
        SegmentVectors next = layout(Map.of("0", zero, "a", A), Map.of("z", SparseVectorSpec.DEFAULT));
        Segment re = Segment.open(dir, next, Map.of());
        assertThat(re.immutable()).isTrue();
        assertThat(re.graph("a")).isNotNull();
        int o = re.offsetOf(PointId.of(42));
        assertThat(re.vector(o, "a")).containsExactly(42, -42);
        assertThat(re.vector(o, "0")).isNull();
        assertThat(re.sparseVector(o, "z")).isNull();
        assertThat(re.vector(o, "b")).isNull();
        assertThat(re.indexedVectorCount("a")).isEqualTo(200);
        assertThat(files(dir)).noneMatch(f -> f.contains("-62")); // every file of "b" is gone
        re.delete(re.offsetOf(PointId.of(7)));
        re.flush(201);
        re.close();

        Segment third = Segment.open(dir, next, Map.of());
        assertThat(third.graph("a")).isNotNull();
        assertThat(third.liveCount()).isEqualTo(199);
        assertThat(third.vector(third.offsetOf(PointId.of(42)), "a")).containsExactly(42, -42);
        assertThat(third.vector(third.offsetOf(PointId.of(42)), "0")).isNull();
        third.close();
    }

    @Test
    void aCrashBeforeTheOrphansWereDeletedIsFinishedByTheNextOpen() throws Exception {
        Path dir = tmp.resolve("seg");
        Segment s = Segment.createAppendable(dir, Map.of("a", A, "b", B));
        s.append(PointId.of(1), 1, Map.of("a", new float[] {1, 1}, "b", new float[] {1, 2, 3, 4}), null);
        s.flush(1);
        s.close();
        byte[] orphan = Files.readAllBytes(dir.resolve(MmapVectorStorage.fileName("b")));
        Segment.open(dir, Map.of("a", A), Map.of()).close();
        // as if the process died after points.bin was rewritten but before "b"'s file was deleted
        Files.write(dir.resolve(MmapVectorStorage.fileName("b")), orphan);
        Segment re = Segment.open(dir, Map.of("a", A), Map.of());
        assertThat(files(dir)).doesNotContain(MmapVectorStorage.fileName("b"));
        assertThat(re.vector(re.offsetOf(PointId.of(1)), "a")).containsExactly(1, 1);
        re.close();
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> f = Files.list(dir)) {
            return f.map(p -> p.getFileName().toString()).toList();
        }
    }
}
