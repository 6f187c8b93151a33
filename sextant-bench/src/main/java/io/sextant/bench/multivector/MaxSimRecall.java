package io.sextant.bench.multivector;

import io.sextant.bench.ann.Recall;

/**
 * recall@k of multivector search results against the exact max_sim ground truth, with the data
 * sets' tie rule: a returned row is a hit when it is in the true top-k or its exact max_sim (computed
 * from the stored vectors by {@link MaxSim#score}, not taken from the server) is at least the true
 * k-th score minus 1e-6. Each row counts once; rows outside the base never count. Immutable.
 */
public final class MaxSimRecall {
    static final double TIE_EPSILON = 1e-6;

    private final float[][][] base;
    private final float[][][] queries;
    private final int[][] truth;
    private final float[][] truthScores;

    /** The recall of results for {@code queries} over {@code base}, with the truth's ids and scores. */
    public MaxSimRecall(float[][][] base, float[][][] queries, int[][] truth, float[][] truthScores) {
        if (truth.length != queries.length || truthScores.length != queries.length) {
            throw new IllegalArgumentException("ground truth has " + truth.length + " id rows and " + truthScores.length
                    + " score rows for " + queries.length + " queries");
        }
        this.base = base;
        this.queries = queries;
        this.truth = truth;
        this.truthScores = truthScores;
    }

    /** Mean recall@k over the first {@code results.length} queries ({@code results[q]} = returned rows, best first). */
    public double recallAt(int k, int[][] results) {
        if (results.length > queries.length) {
            throw new IllegalArgumentException(results.length + " result rows for " + queries.length + " queries");
        }
        double sum = 0;
        for (int q = 0; q < results.length; q++) {
            sum += recallOf(k, q, results[q]);
        }
        return results.length == 0 ? Double.NaN : sum / results.length;
    }

    /** recall@k of one query. */
    double recallOf(int k, int q, int[] returned) {
        int kk = Math.min(k, truth[q].length);
        if (kk == 0) {
            return 1.0;
        }
        double kth = truthScores[q][kk - 1];
        int hits = 0;
        for (int i = 0; i < Math.min(k, returned.length); i++) {
            int row = returned[i];
            if (row < 0 || row >= base.length || Recall.seenBefore(returned, i)) {
                continue;
            }
            if (Recall.contains(truth[q], kk, row) || MaxSim.score(queries[q], base[row]) >= kth - TIE_EPSILON) {
                hits++;
            }
        }
        return Math.min(hits, kk) / (double) kk;
    }
}
