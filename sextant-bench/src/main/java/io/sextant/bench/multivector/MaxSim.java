package io.sextant.bench.multivector;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Exact late-interaction scoring: {@code max_sim(q, d) = sum over the vectors of q of the maximum,
 * over the vectors of d, of their dot product} (Qdrant's {@code max_sim} comparator; on unit vectors
 * dot = cosine), computed in double precision, and the exact top-k of every query by a full scan.
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
        AtomicInteger next = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().name("maxsim-" + t).start(() -> {
                try {
                    for (int q = next.getAndIncrement(); q < queries.length; q = next.getAndIncrement()) {
                        topKOf(base, queries[q], k, q, ids, scores);
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

    private static void topKOf(float[][][] base, float[][] query, int k, int q, int[][] ids, float[][] scores) {
        record Hit(int row, double score) {}
        // worst on top: lower score first, and among equal scores the higher row (it loses the tie)
        PriorityQueue<Hit> heap = new PriorityQueue<>(
                k + 1, (a, b) -> a.score != b.score ? Double.compare(a.score, b.score) : Integer.compare(b.row, a.row));
        for (int row = 0; row < base.length; row++) {
            double s = score(query, base[row]);
            if (heap.size() < k) {
                heap.add(new Hit(row, s));
            } else if (s > heap.peek().score) {
                heap.poll();
                heap.add(new Hit(row, s));
            }
        }
        int n = heap.size();
        ids[q] = new int[n];
        scores[q] = new float[n];
        for (int i = n - 1; i >= 0; i--) {
            Hit h = heap.poll();
            ids[q][i] = h.row;
            scores[q][i] = (float) h.score;
        }
    }
}
