package io.sextant.bench.multivector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MaxSimTest {
    static final float[][] Q = {{1, 0}, {0, 1}};
    static final float[][] D1 = {{1, 0}};
    static final float[][] D2 = {{0.6f, 0.8f}, {0, 1}};
    static final float[][] D3 = {{-1, 0}};

    @Test
    void sumsTheBestDotProductOfEveryQueryVector() {
        assertThat(MaxSim.score(Q, D1)).isEqualTo(1.0); // 1 + 0
        assertThat(MaxSim.score(Q, D2)).isCloseTo(1.6, within(1e-7)); // max(0.6, 0) + max(0.8, 1)
        assertThat(MaxSim.score(Q, D3)).isEqualTo(-1.0); // -1 + 0
        assertThat(MaxSim.score(D1, Q)).isEqualTo(1.0); // not symmetric in general, here max(1, 0)
        assertThat(MaxSim.score(D2, Q)).isCloseTo(0.8 + 1.0, within(1e-7));
    }

    @Test
    void topKIsBestFirstAndBreaksTiesByLowerRow() throws InterruptedException {
        float[][][] base = {D1, D2, D3, D1};
        MaxSim.TopK t = MaxSim.topK(base, new float[][][] {Q}, 3, 2);
        assertThat(t.ids()[0]).containsExactly(1, 0, 3);
        assertThat(t.scores()[0]).containsExactly(1.6f, 1f, 1f);
        MaxSim.TopK all = MaxSim.topK(base, new float[][][] {Q}, 10, 1);
        assertThat(all.ids()[0]).containsExactly(1, 0, 3, 2);
    }

    @Test
    void topKMatchesSortingEveryScore() throws InterruptedException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        float[][][] base = MultiVectorFileTest.random(rnd, 300, 8);
        float[][][] queries = MultiVectorFileTest.random(rnd, 20, 8);
        MaxSim.TopK t = MaxSim.topK(base, queries, 15, 3);
        for (int q = 0; q < queries.length; q++) {
            float[][] query = queries[q];
            int[] expected = naiveTopK(base, query, 15);
            assertThat(t.ids()[q]).as("seed %d query %d", seed, q).containsExactly(expected);
            assertThat(t.scores()[q][0]).isEqualTo((float) MaxSim.score(query, base[expected[0]]));
        }
    }

    @Test
    void nearTiesBelowFloatPrecisionAreRankedExactly() throws InterruptedException {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        int dim = 384;
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
            v[d] = (float) rnd.nextGaussian() / 20;
        }
        // 300 rows v + w, w random but orthogonal to v up to float rounding: the exact scores differ by
        // about 1e-8, less than the float kernels' rounding, so the float order is not the exact order
        double vv = MaxSim.dot(v, v);
        float[][][] base = new float[300][][];
        for (int r = 0; r < base.length; r++) {
            double[] w = new double[dim];
            double vw = 0;
            for (int d = 0; d < dim; d++) {
                w[d] = rnd.nextGaussian() / 20;
                vw += w[d] * v[d];
            }
            float[] x = new float[dim];
            for (int d = 0; d < dim; d++) {
                x[d] = (float) (v[d] + w[d] - vw / vv * v[d]);
            }
            base[r] = new float[][] {x, MultiVectorFileTest.random(rnd, 1, dim)[0][0]};
        }
        float[][][] queries = {{v}, {v, v.clone()}};
        MaxSim.TopK t = MaxSim.topK(base, queries, 100, 2);
        for (int q = 0; q < queries.length; q++) {
            float[][] query = queries[q];
            int[] expected = naiveTopK(base, query, 100);
            assertThat(t.ids()[q]).as("seed %d query %d", seed, q).containsExactly(expected);
        }
    }

    /** The top k rows by sorting every exact double score (ties by lower row). */
    static int[] naiveTopK(float[][][] base, float[][] query, int k) {
        return IntStream.range(0, base.length)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -MaxSim.score(query, base[r]))
                        .thenComparingInt(r -> r))
                .mapToInt(Integer::intValue)
                .limit(k)
                .toArray();
    }
}
