package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.MemorySegmentScorerSupplier;
import io.sextant.index.ScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Distance;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The build's allocation-free paths (re-targeted node scorers, subset scorers that bulk-score through
 * the base rows) must give the graph the plain allocating scorers give, and a graph of good quality.
 * Single-threaded builds run the same steps, but the Vector-API kernels may round a sum differently
 * before and after the JIT compiles them (lane reductions have no fixed order), so a near-tie can go
 * either way: the graphs are compared by link overlap, not bit for bit.
 */
class HnswBuildEquivalenceTest {
    private static final long SEED = 7_300_411L;
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void reusedScorersBuildTheSameGraphAsAllocatingOnes() throws Exception {
        float[][] data = SyntheticVectors.clusters(3_000, 24, 30, SEED, true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegmentScorerSupplier rows = offHeap(arena, data);
            ScorerSupplier allocating = new ScorerSupplier() { // no retargetable(): a new scorer per call
                        @Override
                        public VectorScorer scorerFor(int ordinal) {
                            return rows.scorerFor(ordinal);
                        }

                        @Override
                        public int size() {
                            return rows.size();
                        }
                    };
            HnswConfig config =
                    HnswConfig.defaults().withM(8).withEfConstruct(64).withMaxIndexingThreads(1);
            int[] subset =
                    IntStream.range(0, data.length).filter(i -> i % 7 == 3).toArray();
            HnswGraphBuilder fast = new HnswGraphBuilder(rows, config);
            fast.build();
            fast.addSubgraphLinks(subset, 8);
            HnswGraphBuilder plain = new HnswGraphBuilder(allocating, config);
            plain.build();
            plain.addSubgraphLinks(subset, 8);
            double overlap = linkOverlap(fast.graph(), plain.graph());

            ArrayScorerSupplier heap = new ArrayScorerSupplier(data, Distance.COSINE);
            float[][] queries = SyntheticVectors.clusters(200, 24, 30, SEED + 1, true);
            double recall = SyntheticVectors.recall(new HnswSearcher(fast.graph()), heap, queries, 10, 64, null);
            double plainRecall = SyntheticVectors.recall(new HnswSearcher(plain.graph()), heap, queries, 10, 64, null);
            System.out.printf(
                    "level-0 link overlap %.4f, recall@10 ef=64 %.4f (allocating scorers %.4f), seed %d%n",
                    overlap, recall, plainRecall, SEED);
            assertThat(overlap).as("seed %d", SEED).isGreaterThanOrEqualTo(0.97);
            assertThat(recall).as("recall@10 at ef=64, seed %d", SEED).isGreaterThanOrEqualTo(0.95);
            assertThat(recall).as("seed %d", SEED).isGreaterThanOrEqualTo(plainRecall - 0.01);
        }
    }

    @Test
    void retargetedScorerScoresLikeAFreshOne() {
        float[][] data = SyntheticVectors.clusters(50, 9, 5, SEED, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegmentScorerSupplier rows = offHeap(arena, data);
            ScorerSupplier.Retargetable handle = rows.retargetable();
            for (int a : new int[] {4, 4, 17, 0, 49, 4}) {
                VectorScorer reused = handle.at(a);
                VectorScorer fresh = rows.scorerFor(a);
                for (int b = 0; b < data.length; b++) {
                    assertThat(reused.score(b))
                            .as("a=%d b=%d", a, b)
                            .isCloseTo(fresh.score(b), org.assertj.core.api.Assertions.within(1e-4f));
                }
            }
        }
    }

    private static MemorySegmentScorerSupplier offHeap(Arena arena, float[][] data) {
        int dim = data[0].length;
        MemorySegment seg = arena.allocate((long) data.length * dim * 4);
        for (int i = 0; i < data.length; i++) {
            for (int d = 0; d < dim; d++) {
                seg.set(LE, ((long) i * dim + d) * 4, data[i][d]);
            }
        }
        return new MemorySegmentScorerSupplier(seg, dim, data.length, Distance.COSINE);
    }

    /** The mean share of a node's level-0 links in {@code a} that it also has in {@code b}. */
    static double linkOverlap(OnHeapHnswGraph a, OnHeapHnswGraph b) {
        assertThat(a.nodeCount()).isEqualTo(b.nodeCount());
        int[] bufA = new int[Math.max(a.maxDegree(0), b.maxDegree(0)) + 64];
        int[] bufB = new int[bufA.length];
        double sum = 0;
        int nodes = 0;
        for (int node = 0; node < a.size(); node++) {
            int na = a.neighbors(0, node, bufA);
            int nb = b.neighbors(0, node, bufB);
            if (na == 0) {
                continue;
            }
            java.util.Set<Integer> other = new java.util.HashSet<>();
            for (int i = 0; i < nb; i++) {
                other.add(bufB[i]);
            }
            int shared = 0;
            for (int i = 0; i < na; i++) {
                shared += other.contains(bufA[i]) ? 1 : 0;
            }
            sum += shared / (double) na;
            nodes++;
        }
        return sum / nodes;
    }
}
