package io.sextant.index.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void incrementalAddsFormTheSameKindOfGraph() throws Exception {
        float[][] data = SyntheticVectors.clusters(1_000, 16, 10, SEED, false);
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, Distance.EUCLID);
        HnswGraphBuilder builder = new HnswGraphBuilder(vectors, HnswConfig.defaults());
        for (int i = 999; i >= 500; i--) {
            builder.add(i);
        }
        assertThat(builder.graph().nodeCount()).isEqualTo(500);
        assertThat(builder.graph().levelOf(3)).isEqualTo(-1);
        HnswSearcher searcher = new HnswSearcher(builder.graph());
        int[] hits = searcher.search(vectors.queryScorer(data[3]), 10, 50, null).ordinals();
        assertThat(java.util.stream.IntStream.of(hits).allMatch(o -> o >= 500)).isTrue();
        builder.build(); // adds the rest
        assertThat(builder.graph().nodeCount()).isEqualTo(1_000);
        double recall = SyntheticVectors.recall(searcher, vectors, data, 1, 50, null);
        assertThat(recall).as("self recall, seed %d", SEED).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void levelsFollowTheGeometricDistributionAndTheSeed() {
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(new float[100_000][1], Distance.DOT);
        HnswGraphBuilder a = new HnswGraphBuilder(vectors, HnswConfig.defaults());
        HnswGraphBuilder b = new HnswGraphBuilder(vectors, HnswConfig.defaults());
        HnswGraphBuilder other =
                new HnswGraphBuilder(vectors, HnswConfig.defaults().withSeed(7));
        int above0 = 0;
        int differ = 0;
        for (int i = 0; i < 100_000; i++) {
            assertThat(a.levelFor(i)).isEqualTo(b.levelFor(i));
            above0 += a.levelFor(i) > 0 ? 1 : 0;
            differ += a.levelFor(i) != other.levelFor(i) ? 1 : 0;
        }
        // P(level >= 1) = 1/m = 1/16
        assertThat(above0).isBetween(5_800, 6_700);
        assertThat(differ).isGreaterThan(5_000);
    }

    @Test
    void badParametersAreRejected() throws Exception {
        assertThatThrownBy(() -> new HnswConfig(1, 100, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1");
        assertThatThrownBy(() -> new HnswConfig(16, 3, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 3");
        assertThatThrownBy(() -> new HnswConfig(16, 100, 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got -1");
        float[][] data = SyntheticVectors.clusters(20, 4, 2, SEED, false);
        HnswGraphBuilder builder =
                new HnswGraphBuilder(new ArrayScorerSupplier(data, Distance.DOT), HnswConfig.defaults());
        builder.add(3);
        assertThatThrownBy(() -> builder.add(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already added");
        assertThatThrownBy(() -> builder.add(20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20 out of range [0, 20)");
        assertThatThrownBy(() -> builder.addSubgraphLinks(new int[] {3, 4}, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in the graph");
        builder.build();
        assertThatThrownBy(() -> builder.addSubgraphLinks(new int[] {3, 4, 3}, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> builder.addSubgraphLinks(new int[] {3, 4}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1");
    }

    @Test
    void subgraphLinksConnectTheSubset() throws Exception {
        float[][] data = SyntheticVectors.clusters(2_000, 16, 20, SEED, true);
        ArrayScorerSupplier vectors = new ArrayScorerSupplier(data, Distance.COSINE);
        HnswGraphBuilder builder =
                new HnswGraphBuilder(vectors, HnswConfig.defaults().withM(8));
        builder.build();
        int[] subset = java.util.stream.IntStream.range(0, 2_000)
                .filter(i -> i % 40 == 0)
                .toArray();
        builder.addSubgraphLinks(subset, 8);
        OnHeapHnswGraph graph = builder.graph();
        // every subset node now links to at least one other subset node on level 0
        int[] buf = new int[graph.maxDegree(0)];
        for (int node : subset) {
            int count = graph.neighbors(0, node, buf);
            boolean linked = false;
            for (int i = 0; i < count; i++) {
                linked |= buf[i] % 40 == 0;
            }
            assertThat(linked).as("node %d (seed %d)", node, SEED).isTrue();
        }
        // and the subset is connected through subset nodes only
        java.util.BitSet seen = new java.util.BitSet();
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
        queue.add(subset[0]);
        seen.set(subset[0]);
        while (!queue.isEmpty()) {
            int node = queue.poll();
            int count = graph.neighbors(0, node, buf);
            for (int i = 0; i < count; i++) {
                if (buf[i] % 40 == 0 && !seen.get(buf[i])) {
                    seen.set(buf[i]);
                    queue.add(buf[i]);
                }
            }
        }
        assertThat(seen.cardinality()).isEqualTo(subset.length);
    }
}
