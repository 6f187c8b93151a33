package io.sextant.bench.ann;

import java.util.BitSet;

/**
 * Recall@k as defined in {@code shared/datasets/README.md}: a returned row is a hit when it is in
 * the true top-k, or when its exact score (recomputed in double from the stored vectors) ties the
 * true k-th score within 1e-6; each row counts once, and under a filter a row that does not match is
 * never a hit. Stateless apart from the data set it reads; thread-safe.
 */
public final class Recall {
    static final double TIE_EPSILON = 1e-6;

    private final Dataset data;

    public Recall(Dataset data) {
        this.data = data;
    }

    /**
     * Mean recall@k over all queries.
     *
     * @param results per query, the returned base rows best first (may be shorter than k)
     * @param truth per query, the exact nearest rows (the unfiltered or a filter's ground truth)
     * @param accept the filter's matching rows, or null
     */
    public double recallAt(int k, int[][] results, int[][] truth, BitSet accept) {
        double sum = 0;
        for (int q = 0; q < results.length; q++) {
            sum += hits(q, k, results[q], truth[q], accept) / (double) k;
        }
        return sum / results.length;
    }

    int hits(int q, int k, int[] returned, int[] truth, BitSet accept) {
        double kth = exact(data.queries()[q], data.base()[truth[k - 1]]);
        int hits = 0;
        int n = Math.min(k, returned.length);
        for (int i = 0; i < n; i++) {
            int row = returned[i];
            if (row < 0 || (accept != null && !accept.get(row)) || seenBefore(returned, i)) {
                continue;
            }
            if (contains(truth, k, row) || tiesOrBeats(exact(data.queries()[q], data.base()[row]), kth)) {
                hits++;
            }
        }
        return hits;
    }

    private boolean tiesOrBeats(double score, double kth) {
        return data.cosine() ? score >= kth - TIE_EPSILON : score <= kth + TIE_EPSILON;
    }

    /** Cosine similarity or Euclidean distance in double precision. */
    double exact(float[] q, float[] v) {
        double dot = 0;
        double qq = 0;
        double vv = 0;
        double l2 = 0;
        for (int i = 0; i < q.length; i++) {
            double a = q[i];
            double b = v[i];
            dot += a * b;
            qq += a * a;
            vv += b * b;
            l2 += (a - b) * (a - b);
        }
        return data.cosine() ? dot / Math.sqrt(qq * vv) : Math.sqrt(l2);
    }

    /** Whether {@code row} is among the first {@code k} entries of {@code truth}. */
    public static boolean contains(int[] truth, int k, int row) {
        for (int i = 0; i < k; i++) {
            if (truth[i] == row) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code returned[i]} already occurs before position i. */
    public static boolean seenBefore(int[] returned, int i) {
        for (int j = 0; j < i; j++) {
            if (returned[j] == returned[i]) {
                return true;
            }
        }
        return false;
    }
}
