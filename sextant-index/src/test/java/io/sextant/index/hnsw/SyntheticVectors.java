package io.sextant.index.hnsw;

import io.sextant.index.ArrayScorerSupplier;
import io.sextant.index.VectorScorer;
import io.sextant.vector.Similarity;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/** Seeded synthetic data for graph tests and benchmarks: gaussian clusters and exact top-k. */
final class SyntheticVectors {
    private SyntheticVectors() {}

    /** {@code n} vectors around {@code clusters} random centres, unit-normalized when asked. */
    static float[][] clusters(int n, int dim, int clusters, long seed, boolean normalize) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] centres = new float[clusters][dim];
        for (float[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            float[] c = centres[rnd.nextInt(clusters)];
            float[] v = new float[dim];
            for (int d = 0; d < dim; d++) {
                v[d] = c[d] + (float) (gaussian(rnd) * 0.35);
            }
            out[i] = normalize ? Similarity.normalize(v) : v;
        }
        return out;
    }

    static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The exact top {@code k} accepted ordinals for {@code scorer}, best first. */
    static int[] exactTopK(VectorScorer scorer, int size, int k, IntPredicate accept) {
        long[] packed = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (accept == null || accept.test(i)) {
                packed[n++] = NodeHeap.encode(i, scorer.score(i));
            }
        }
        Arrays.sort(packed, 0, n);
        int hits = Math.min(k, n);
        int[] out = new int[hits];
        for (int i = 0; i < hits; i++) {
            out[i] = NodeHeap.node(packed[n - 1 - i]);
        }
        return out;
    }

    /** Mean recall@k of the searcher against exact search over {@code queries}. */
    static double recall(
            HnswSearcher searcher, ArrayScorerSupplier vectors, float[][] queries, int k, int ef, IntPredicate accept) {
        long found = 0;
        long total = 0;
        for (float[] q : queries) {
            VectorScorer scorer = vectors.queryScorer(q);
            int[] truth = exactTopK(scorer, vectors.size(), k, accept);
            SearchResult got = searcher.search(scorer, k, ef, accept);
            total += truth.length;
            for (int t : truth) {
                for (int g : got.ordinals()) {
                    if (g == t) {
                        found++;
                        break;
                    }
                }
            }
        }
        return total == 0 ? 1.0 : (double) found / total;
    }
}
