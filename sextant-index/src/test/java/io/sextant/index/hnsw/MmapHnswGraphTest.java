package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MmapHnswGraphTest {
    private static final long SEED = 77_031L;
    private static float[][] data;
    private static ArrayScorerSupplier vectors;
    private static OnHeapHnswGraph graph;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildGraph() throws Exception {
        data = SyntheticVectors.clusters(2_000, 16, 20, SEED, false);
        vectors = new ArrayScorerSupplier(data, Distance.EUCLID);
        HnswGraphBuilder builder =
                new HnswGraphBuilder(vectors, HnswConfig.defaults().withM(8));
        builder.build();
        int[] subset = new int[200];
        for (int i = 0; i < subset.length; i++) {
            subset[i] = i * 10;
        }
        builder.addSubgraphLinks(subset, 8);
        graph = builder.graph();
    }

    @Test
    void roundTripGivesIdenticalResults() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        HnswGraphWriter.write(graph, file);
        assertThat(dir.resolve("graph.hnsw.tmp")).doesNotExist();
        float[][] queries = SyntheticVectors.clusters(100, 16, 20, SEED + 1, false);
        IntPredicate everyTenth = i -> i % 10 == 0;
        try (MmapHnswGraph mapped = MmapHnswGraph.open(file)) {
            assertThat(mapped.size()).isEqualTo(graph.size());
            assertThat(mapped.entryPoint()).isEqualTo(graph.entryPoint());
            assertThat(mapped.maxLevel()).isEqualTo(graph.maxLevel());
            assertThat(mapped.m()).isEqualTo(8);
            int[] a = new int[graph.maxDegree(0)];
            int[] b = new int[mapped.maxDegree(0)];
            for (int node = 0; node < graph.size(); node++) {
                assertThat(mapped.levelOf(node)).isEqualTo(graph.levelOf(node));
                for (int l = 0; l <= graph.levelOf(node); l++) {
                    int na = graph.neighbors(l, node, a);
                    int nb = mapped.neighbors(l, node, b);
                    assertThat(java.util.Arrays.copyOf(b, nb)).isEqualTo(java.util.Arrays.copyOf(a, na));
                }
            }
            HnswSearcher onHeap = new HnswSearcher(graph);
            HnswSearcher fromFile = new HnswSearcher(mapped);
            for (float[] q : queries) {
                VectorScorer scorer = vectors.queryScorer(q);
                for (IntPredicate accept : new IntPredicate[] {null, everyTenth}) {
                    for (FilterTraversal traversal : FilterTraversal.values()) {
                        SearchResult x = onHeap.search(scorer, 10, 50, accept, traversal);
                        SearchResult y = fromFile.search(scorer, 10, 50, accept, traversal);
                        assertThat(y.ordinals()).isEqualTo(x.ordinals());
                        assertThat(y.scores()).isEqualTo(x.scores());
                    }
                }
            }
        }
    }

    @Test
    void emptyGraphRoundTrips() throws Exception {
        Path file = dir.resolve("empty.hnsw");
        OnHeapHnswGraph empty = new HnswGraphBuilder(
                        new ArrayScorerSupplier(new float[3][4], Distance.DOT), HnswConfig.defaults())
                .graph();
        HnswGraphWriter.write(empty, file);
        try (MmapHnswGraph mapped = MmapHnswGraph.open(file)) {
            assertThat(mapped.size()).isEqualTo(3);
            assertThat(mapped.entryPoint()).isEqualTo(-1);
            assertThat(mapped.levelOf(1)).isEqualTo(-1);
            assertThat(new HnswSearcher(mapped).search(o -> 0f, 5, 10, null).size())
                    .isZero();
        }
    }

    @Test
    void writingReplacesAnExistingFile() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        Files.write(file, new byte[] {1, 2, 3});
        HnswGraphWriter.write(graph, file);
        try (MmapHnswGraph mapped = MmapHnswGraph.open(file)) {
            assertThat(mapped.size()).isEqualTo(graph.size());
        }
    }

    @Test
    void everyTruncationIsRejected() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        HnswGraphWriter.write(graph, file);
        byte[] bytes = Files.readAllBytes(file);
        SplittableRandom rnd = new SplittableRandom(SEED);
        int[] lengths = {
            0, 3, 39, 40, 47, bytes.length - 1, bytes.length - 4, bytes.length - 8, rnd.nextInt(bytes.length)
        };
        for (int len : lengths) {
            Path cut = dir.resolve("cut-" + len);
            Files.write(cut, java.util.Arrays.copyOf(bytes, len));
            assertThatThrownBy(() -> MmapHnswGraph.open(cut))
                    .as("length %d of %d (seed %d)", len, bytes.length, SEED)
                    .isInstanceOf(IndexCorruptedException.class)
                    .hasMessageContaining("truncated");
        }
        Path longer = dir.resolve("longer");
        Files.write(longer, java.util.Arrays.copyOf(bytes, bytes.length + 4));
        assertThatThrownBy(() -> MmapHnswGraph.open(longer))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void aFlippedByteAnywhereIsRejected() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        HnswGraphWriter.write(graph, file);
        byte[] bytes = Files.readAllBytes(file);
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int trial = 0; trial < 40; trial++) {
            int offset = trial < 10 ? trial * 4 : rnd.nextInt(bytes.length);
            byte[] bad = bytes.clone();
            bad[offset] ^= (byte) (1 + rnd.nextInt(255));
            Path corrupt = dir.resolve("corrupt-" + trial);
            Files.write(corrupt, bad);
            assertThatThrownBy(() -> MmapHnswGraph.open(corrupt))
                    .as("flipped byte at %d of %d (seed %d)", offset, bytes.length, SEED)
                    .isInstanceOf(IndexCorruptedException.class);
        }
    }

    @Test
    void anotherVersionOrUnknownFlagIsRejectedClearly() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        HnswGraphWriter.write(graph, file);
        byte[] bytes = Files.readAllBytes(file);
        assertThatThrownBy(() -> MmapHnswGraph.open(withIntAt(bytes, 4, 2)))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("unsupported format version 2");
        assertThatThrownBy(() -> MmapHnswGraph.open(withIntAt(bytes, 8, 1)))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("unknown flags");
        assertThatThrownBy(() -> MmapHnswGraph.open(withIntAt(bytes, 0, 0x12345678)))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("bad magic");
    }

    @Test
    void aConsistentButOutOfRangeLinkIsRejected() throws Exception {
        Path file = dir.resolve("graph.hnsw");
        HnswGraphWriter.write(graph, file);
        byte[] bytes = Files.readAllBytes(file);
        int maxLevel = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(24);
        int level0 = 40 + 4 * maxLevel;
        // node 0's first neighbour -> an ordinal past the end, with a recomputed CRC
        Path bad = withIntAt(bytes, level0 + 4, graph.size() + 5);
        assertThatThrownBy(() -> MmapHnswGraph.open(bad))
                .isInstanceOf(IndexCorruptedException.class)
                .hasMessageContaining("links to");
    }

    /** A copy of the file with one int replaced and the CRC recomputed, so only that check fails. */
    private Path withIntAt(byte[] bytes, int offset, int value) throws IOException {
        byte[] copy = bytes.clone();
        ByteBuffer buf = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(offset, value);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(copy, 0, copy.length - 4);
        buf.putInt(copy.length - 4, (int) crc.getValue());
        Path out = dir.resolve("edited-" + offset + "-" + value);
        Files.write(out, copy);
        return out;
    }
}
