package io.sextant.bench.multivector;

import io.sextant.vector.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Exact late-interaction scoring: {@code max_sim(q, d) = sum over the vectors of q of the maximum,
 * over the vectors of d, of their dot product} (Qdrant's {@code max_sim} comparator; on unit vectors
 * dot = cosine), computed in double precision, and the exact top-k of every query by a full scan
 * (float SIMD first, exact double rescoring of every row that could be in the top-k).
 * Stateless and thread-safe.
 */
public final class MaxSim {
    private MaxSim() {}

    /**
     * The exact top-k of every query.
     *
     * @param ids per query, base rows best first; equal scores ordered by lower row
     * @param scores per query, the max_sim of those rows (rounded to float)
     */
    public record TopK(int[][] ids, float[][] scores) {}

    /** max_sim of query {@code q} against document {@code d}, in double. */
    public static double score(float[][] q, float[][] d) {
        double sum = 0;
        for (float[] qv : q) {
            double best = Double.NEGATIVE_INFINITY;
            for (float[] dv : d) {
                best = Math.max(best, dot(qv, dv));
            }
            sum += best;
        }
        return sum;
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** The exact top {@code k} base rows of every query, scanning with {@code threads} threads. */
    public static TopK topK(float[][][] base, float[][][] queries, int k, int threads) throws InterruptedException {
        if (k < 1 || threads < 1) {
            throw new IllegalArgumentException("k and threads must be >= 1, got k " + k + ", threads " + threads);
        }
        int[][] ids = new int[queries.length][];
        float[][] scores = new float[queries.length][];
        double maxDocNorm = 0;
        for (float[][] doc : base) {
            for (float[] dv : doc) {
                maxDocNorm = Math.max(maxDocNorm, Math.sqrt(dot(dv, dv)));
            }
        }
        double norm = maxDocNorm;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().name("maxsim-" + t).start(() -> {
                try {
                    for (int q = next.getAndIncrement(); q < queries.length; q = next.getAndIncrement()) {
                        topKOf(base, norm, queries[q], k, q, ids, scores);
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new TopK(ids, scores);
    }

    /**
     * The exact top-k of one query in two passes: float max_sim of every row with the SIMD kernels,
     * then the rows whose float score is within twice the float error bound of the k-th best float
     * score are rescored in double and ranked. A float dot product of length n is within {@code
     * n * 2^-23 * |a| * |b|} of the exact one (any summation order; Cauchy-Schwarz bounds the sum of
     * |a_i b_i|), so every row of the exact top-k is among those candidates and the result equals a
     * full double scan.
     */
    private static void topKOf(
            float[][][] base, double maxDocNorm, float[][] query, int k, int q, int[][] ids, float[][] scores) {
        VectorKernels kernels = VectorKernels.get();
        double[] approx = new double[base.length];
        for (int row = 0; row < base.length; row++) {
            double sum = 0;
            for (float[] qv : query) {
                float best = Float.NEGATIVE_INFINITY;
                for (float[] dv : base[row]) {
                    best = Math.max(best, kernels.dot(qv, dv));
                }
                sum += best;
            }
            approx[row] = sum;
        }
        double bound = 0;
        for (float[] qv : query) {
            bound += qv.length * 0x1p-23 * Math.sqrt(dot(qv, qv)) * maxDocNorm;
        }
        int kk = Math.min(k, base.length);
        double[] sorted = approx.clone();
        Arrays.sort(sorted);
        double threshold = sorted[sorted.length - kk] - 2 * bound - 1e-12;
        List<Hit> candidates = new ArrayList<>();
        for (int row = 0; row < base.length; row++) {
            if (approx[row] >= threshold) {
                candidates.add(new Hit(row, score(query, base[row])));
            }
        }
        candidates.sort(Comparator.comparingDouble((Hit h) -> -h.score).thenComparingInt(h -> h.row));
        ids[q] = new int[kk];
        scores[q] = new float[kk];
        for (int i = 0; i < kk; i++) {
            ids[q][i] = candidates.get(i).row;
            scores[q][i] = (float) candidates.get(i).score;
        }
    }

    private record Hit(int row, double score) {}
}
