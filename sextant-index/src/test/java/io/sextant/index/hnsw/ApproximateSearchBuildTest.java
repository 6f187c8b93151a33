package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.ScalarCodeScorerSupplier;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * A build whose insertions search on approximate scores (int8 codes) and pick neighbours on exact
 * ones must keep the graph's quality: recall@10 at a fixed ef within 0.01 of the float build's on
 * the same data, and every kept link scored exactly. A control whose search score ranks backwards
 * shows the recall check can fail. (Random noise of +-0.6 on the search score did not fail it: the
 * exact re-scoring of the beam's results keeps such a build close to the float one.)
 */
class ApproximateSearchBuildTest {
    private static final long SEED = 5_511_203L;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int N = 4_000;
    private static final int DIM = 48;
    private static final float[][] DATA = SyntheticVectors.clusters(N, DIM, 40, SEED, true);
    private static final float[][] QUERIES = SyntheticVectors.clusters(300, DIM, 40, SEED + 1, true);
    private static final ArrayScorerSupplier HEAP = new ArrayScorerSupplier(DATA, Distance.COSINE);
    private static final HnswConfig CONFIG =
            HnswConfig.defaults().withM(8).withEfConstruct(64).withMaxIndexingThreads(1);

    @Test
    void int8SearchKeepsTheFloatBuildsRecall() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegmentScorerSupplier rows = offHeap(arena, DATA);
            OnHeapHnswGraph exact = new HnswGraphBuilder(rows, CONFIG).build();
            ScalarCodeScorerSupplier codes = ScalarCodeScorerSupplier.encode(rows::vector, N, DIM, Distance.COSINE);
            OnHeapHnswGraph int8 = new HnswGraphBuilder(rows, codes, CONFIG).build();
            for (int ef : new int[] {16, 32, 64}) {
                double r0 = SyntheticVectors.recall(new HnswSearcher(exact), HEAP, QUERIES, 10, ef, null);
                double r1 = SyntheticVectors.recall(new HnswSearcher(int8), HEAP, QUERIES, 10, ef, null);
                System.out.printf(
                        "ef=%d recall@10 float build %.4f, int8-search build %.4f, seed %d%n", ef, r0, r1, SEED);
                assertThat(r1).as("recall@10 at ef=%d, seed %d", ef, SEED).isGreaterThanOrEqualTo(r0 - 0.01);
            }
            for (int node = 0; node < N; node += 7) {
                NeighborList links = int8.list(node, 0);
                for (int j = 0; j < links.size(); j++) {
                    assertThat(links.scores[j])
                            .as("link %d-%d keeps its exact score, seed %d", node, links.nodes[j], SEED)
                            .isCloseTo(rows.score(node, links.nodes[j]), within(1e-4f));
                }
            }
        }
    }

    @Test
    void aWrongSearchScoreLosesRecall() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegmentScorerSupplier rows = offHeap(arena, DATA);
            ScorerSupplier backwards = new ScorerSupplier() {
                @Override
                public VectorScorer scorerFor(int a) {
                    VectorScorer exact = rows.scorerFor(a);
                    return b -> -exact.score(b); // ranks backwards: the beam walks away from the node
                }

                @Override
                public int size() {
                    return N;
                }
            };
            OnHeapHnswGraph exact = new HnswGraphBuilder(rows, CONFIG).build();
            OnHeapHnswGraph blurred = new HnswGraphBuilder(rows, backwards, CONFIG).build();
            double r0 = SyntheticVectors.recall(new HnswSearcher(exact), HEAP, QUERIES, 10, 32, null);
            double r1 = SyntheticVectors.recall(new HnswSearcher(blurred), HEAP, QUERIES, 10, 32, null);
            System.out.printf("ef=32 recall@10 float build %.4f, backwards-search build %.4f, seed %d%n", r0, r1, SEED);
            assertThat(r1).as("seed %d", SEED).isLessThan(r0 - 0.01);
        }
    }

    private static MemorySegmentScorerSupplier offHeap(Arena arena, float[][] data) {
        MemorySegment seg = arena.allocate((long) data.length * DIM * 4);
        for (int i = 0; i < data.length; i++) {
            MemorySegment.copy(data[i], 0, seg, LE, (long) i * DIM * 4, DIM);
        }
        return new MemorySegmentScorerSupplier(seg, DIM, data.length, Distance.COSINE);
    }
}
