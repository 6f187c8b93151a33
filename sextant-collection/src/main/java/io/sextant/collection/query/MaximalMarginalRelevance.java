package io.sextant.collection.query;

import io.sextant.segment.query.ScoredPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Maximal marginal relevance re-ranking, as Qdrant defines it: from candidates found by a nearest
 * search, the most relevant is taken first; then, repeatedly, the candidate maximizing {@code
 * lambda * sim(query, c) - (1 - lambda) * max over selected s of sim(c, s)}, with {@code lambda = 1
 * - diversity}. Similarities are oriented so that larger is more similar. Hits keep the score of
 * the nearest search; only their order changes. Stateless and thread-safe.
 */
final class MaximalMarginalRelevance {
    private MaximalMarginalRelevance() {}

    /** Similarity between candidate vectors, larger = more similar. */
    interface Similarity<V> {
        float between(V a, V b);
    }

    /**
     * @param candidates the nearest-search hits, best first, with their vectors
     * @param vectors the vector of each candidate (same order)
     * @param relevance similarity of each candidate to the query (same order)
     * @param lambda 1 - diversity, in [0, 1]
     * @param limit how many to select
     */
    static <V> List<ScoredPoint> select(
            List<ScoredPoint> candidates,
            List<V> vectors,
            float[] relevance,
            Similarity<V> similarity,
            float lambda,
            int limit) {
        int n = candidates.size();
        List<ScoredPoint> out = new ArrayList<>(Math.min(n, limit));
        if (n == 0 || limit == 0) {
            return out;
        }
        boolean[] taken = new boolean[n];
        // max similarity of each candidate to the selected ones, updated as each is selected
        float[] maxToSelected = new float[n];
        java.util.Arrays.fill(maxToSelected, Float.NEGATIVE_INFINITY);
        int first = 0;
        for (int i = 1; i < n; i++) {
            if (relevance[i] > relevance[first]) {
                first = i;
            }
        }
        int last = first;
        taken[first] = true;
        out.add(candidates.get(first));
        while (out.size() < limit && out.size() < n) {
            int best = -1;
            float bestScore = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                maxToSelected[i] = Math.max(maxToSelected[i], similarity.between(vectors.get(i), vectors.get(last)));
                float score = lambda * relevance[i] - (1 - lambda) * maxToSelected[i];
                if (best < 0 || score > bestScore) {
                    best = i;
                    bestScore = score;
                }
            }
            taken[best] = true;
            last = best;
            out.add(candidates.get(best));
        }
        return out;
    }
}
