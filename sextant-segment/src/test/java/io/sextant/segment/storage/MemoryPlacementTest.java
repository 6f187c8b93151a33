package io.sextant.segment.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sextant.index.memory.PlacedFiles;
import io.sextant.segment.PointId;
import io.sextant.segment.config.HnswSpec;
import io.sextant.segment.config.MemoryPlacement;
import io.sextant.segment.config.SegmentVectors;
import io.sextant.segment.config.SparseVectorSpec;
import io.sextant.segment.config.VectorSpec;
import io.sextant.segment.vectorindex.SegmentIndexBuilder;
import io.sextant.vector.Distance;
import io.sextant.vector.quant.QuantizerSpec;
import io.sextant.vector.sparse.SparseVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each placement changes where the bytes of each read-only component of an immutable segment live,
 * measured with {@code mincore(2)} (resident pages) and the kind of memory serving it: pinned = an
 * in-memory copy, fully resident (and locked: {@code VmLck} grows); cached = a file mapping, fully
 * resident; cold = a file mapping with (almost) nothing resident.
 */
class MemoryPlacementTest {
    private static final int DIM = 128;
    private static final int N = 6000;

    @TempDir
    static Path tmp;

    private static Path dir;

    @BeforeAll
    static void buildSegment() throws InterruptedException {
        assumeTrue(PlacedFiles.supported(), "placement needs Linux libc calls");
        long seed = 42;
        Random r = new Random(seed);
        SegmentVectors layout = layout(MemoryPlacement.CACHED);
        Segment app = Segment.createAppendable(tmp.resolve("app"), layout);
        for (int i = 0; i < N; i++) {
            float[] v = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                v[j] = r.nextFloat() - 0.5f;
            }
            int[] idx = new int[16];
            float[] w = new float[16];
            for (int j = 0; j < 16; j++) {
                idx[j] = j * 97 + r.nextInt(97);
                w[j] = r.nextFloat();
            }
            app.append(PointId.of(i), i + 1, Map.of("", v), Map.of("s", SparseVector.of(idx, w)), null);
        }
        app.flush(N);
        List<SegmentWriter.PointRef> refs = new ArrayList<>();
        app.liveOffsetsById(null).forEachRemaining((int o) -> refs.add(new SegmentWriter.PointRef(app, o)));
        dir = tmp.resolve("imm");
        SegmentWriter.write(dir, layout, refs, N);
        app.close();
        Segment imm = Segment.open(dir, layout, Map.of());
        imm.attachGraph("", SegmentIndexBuilder.buildGraph(imm, "", Map.of()));
        imm.attachQuantized("", SegmentIndexBuilder.buildCodes(imm, ""));
        imm.close();
    }

    private static SegmentVectors layout(MemoryPlacement p) {
        VectorSpec dense = new VectorSpec(
                DIM,
                Distance.DOT,
                false,
                new HnswSpec(8, 32, 10, 0, false, null, p),
                new QuantizerSpec.Scalar(1f, false),
                null,
                null,
                p,
                p);
        return new SegmentVectors(Map.of("", dense), Map.of("s", new SparseVectorSpec(null, false, null, false, p)));
    }

    private static Map<String, Segment.PlacedBytes> components(Segment s) {
        Map<String, Segment.PlacedBytes> all = new java.util.TreeMap<>(s.placedBytes(""));
        all.put("sparse_index", s.sparseIndexPlacedBytes("s"));
        return all;
    }

    @Test
    void pinnedCopiesEveryComponentIntoLockedMemory() throws IOException {
        long lockedBefore = lockedKb();
        Segment s = Segment.open(dir, layout(MemoryPlacement.PINNED), Map.of());
        try {
            Map<String, Segment.PlacedBytes> c = components(s);
            assertThat(c).containsOnlyKeys("graph", "quantized", "sparse_index", "vectors");
            long total = 0;
            for (var e : c.entrySet()) {
                Segment.PlacedBytes b = e.getValue();
                assertThat(b.mapped()).as(e.getKey()).isFalse();
                assertThat(b.bytes()).as(e.getKey()).isPositive();
                assertThat(b.resident()).as(e.getKey()).isEqualTo(b.bytes());
                total += b.bytes();
            }
            long lockedKb = lockedKb() - lockedBefore;
            // mlock needs CAP_IPC_LOCK or a large RLIMIT_MEMLOCK; where refused, pinned is resident only
            if (lockedKb > 0) {
                assertThat(lockedKb * 1024).isGreaterThanOrEqualTo(total);
            }
        } finally {
            s.close();
        }
    }

    @Test
    void cachedMapsAndPrefaultsEveryComponent() {
        Segment s = Segment.open(dir, layout(MemoryPlacement.CACHED), Map.of());
        try {
            for (var e : components(s).entrySet()) {
                Segment.PlacedBytes b = e.getValue();
                assertThat(b.mapped()).as(e.getKey()).isTrue();
                assertThat(b.resident()).as(e.getKey()).isEqualTo(b.bytes());
            }
        } finally {
            s.close();
        }
    }

    @Test
    void coldMapsEveryComponentAndLeavesItOnDisk() {
        Segment warm = Segment.open(dir, layout(MemoryPlacement.CACHED), Map.of());
        warm.close(); // the files were just in RAM: cold must not keep them there
        Segment s = Segment.open(dir, layout(MemoryPlacement.COLD), Map.of());
        try {
            for (var e : components(s).entrySet()) {
                Segment.PlacedBytes b = e.getValue();
                assertThat(b.mapped()).as(e.getKey()).isTrue();
                assertThat(b.resident()).as(e.getKey()).isLessThanOrEqualTo(b.bytes() / 10);
            }
            // reading a vector faults in its page only, not the file (no readahead)
            float[] v = s.vector(s.offsetOf(PointId.of(N / 2)), "");
            assertThat(v).hasSize(DIM);
            Segment.PlacedBytes vectors = s.placedBytes("").get("vectors");
            assertThat(vectors.resident()).isBetween(1L, vectors.bytes() / 10);
        } finally {
            s.close();
        }
    }

    private static long lockedKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmLck:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
