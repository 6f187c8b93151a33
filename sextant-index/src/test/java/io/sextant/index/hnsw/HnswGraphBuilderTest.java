package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.vector.Distance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HnswGraphBuilderTest {
    private static final long SEED = 20_240_611L;
    private static final int N = 5_000;
    private static final int DIM = 32;

    @ParameterizedTest
    @EnumSource(value = Distance.class)
    void recallAt10IsHighForEveryDistance(Distance distance) throws Exception {
        boolean normalize = distance == Distance.COSINE;
        float[][] data = SyntheticVectors.clusters(N, DIM, 50, SEED, normalize);
        float[][] queries = SyntheticVectors.clusters(200, DIM, 50, SEED + 1, normalize);
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, distance);
        long t0 = System.nanoTime();
        OnHeapHnswGraph graph =
                new HnswGraphBuilder(vectors, HnswConfig.defaults().withMaxIndexingThreads(1)).build();
        long buildMs = (System.nanoTime() - t0) / 1_000_000;
        double recall = SyntheticVectors.recall(new HnswSearcher(graph), vectors, queries, 10, 100, null);
        System.out.printf("%s: build %d ms, recall@10 at ef=100 %.4f (seed %d)%n", distance, buildMs, recall, SEED);
        assertThat(graph.nodeCount()).isEqualTo(N);
        assertThat(recall).as("recall@10 for %s, seed %d", distance, SEED).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void concurrentBuildMatchesSingleThreadRecall() throws Exception {
        float[][] data = SyntheticVectors.clusters(N, DIM, 50, SEED, true);
        float[][] queries = SyntheticVectors.clusters(200, DIM, 50, SEED + 1, true);
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, Distance.COSINE);
        HnswConfig config = HnswConfig.defaults();
        OnHeapHnswGraph single = new HnswGraphBuilder(vectors, config.withMaxIndexingThreads(1)).build();
        OnHeapHnswGraph multi = new HnswGraphBuilder(vectors, config.withMaxIndexingThreads(4)).build();
        double r1 = SyntheticVectors.recall(new HnswSearcher(single), vectors, queries, 10, 64, null);
        double r4 = SyntheticVectors.recall(new HnswSearcher(multi), vectors, queries, 10, 64, null);
        System.out.printf("recall@10 ef=64: 1 thread %.4f, 4 threads %.4f (seed %d)%n", r1, r4, SEED);
        assertThat(multi.nodeCount()).isEqualTo(N);
        assertThat(Math.abs(r1 - r4)).as("seed %d", SEED).isLessThanOrEqualTo(0.02);
    }
}
