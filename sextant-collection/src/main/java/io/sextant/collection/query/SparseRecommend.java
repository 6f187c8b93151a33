package io.sextant.collection.query;

import io.sextant.vector.sparse.SparseVector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Recommendation math over sparse vectors, as Qdrant defines it: similarity is the dot product;
 * {@code average_vector} averages per dimension over the union of the examples' dimensions (a
 * dimension missing from an example counts as 0) and combines {@code avg(pos) + avg(pos) -
 * avg(neg)} the same way. Stateless and thread-safe.
 */
final class SparseRecommend {
    private SparseRecommend() {}

    /** {@code avg(pos) + avg(pos) - avg(neg)}, or {@code avg(pos)} without negatives. */
    static SparseVector averageVector(List<SparseVector> positive, List<SparseVector> negative) {
        Map<Integer, Float> pos = average(positive);
        if (negative.isEmpty()) {
            return toVector(pos);
        }
        Map<Integer, Float> neg = average(negative);
        Map<Integer, Float> out = new TreeMap<>(Integer::compareUnsigned);
        pos.forEach((id, v) -> out.put(id, v + v));
        neg.forEach((id, v) -> out.merge(id, -v, Float::sum));
        return toVector(out);
    }

    private static Map<Integer, Float> average(List<SparseVector> vectors) {
        Map<Integer, Float> sum = new TreeMap<>(Integer::compareUnsigned);
        for (SparseVector v : vectors) {
            for (int i = 0; i < v.size(); i++) {
                sum.merge(v.indices()[i], v.values()[i], Float::sum);
            }
        }
        sum.replaceAll((id, s) -> s / vectors.size());
        return sum;
    }

    private static SparseVector toVector(Map<Integer, Float> byId) {
        int[] ids = new int[byId.size()];
        float[] vals = new float[byId.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : byId.entrySet()) {
            ids[i] = e.getKey();
            vals[i++] = e.getValue();
        }
        return new SparseVector(ids, vals); // TreeMap order: sorted unsigned, unique
    }

    /** best_score (see {@link RecommendScoring#bestScore}) with dot-product similarity. */
    static float bestScore(SparseVector candidate, List<SparseVector> positive, List<SparseVector> negative) {
        float maxPos = Float.NEGATIVE_INFINITY;
        for (SparseVector p : positive) {
            maxPos = Math.max(maxPos, candidate.dot(p));
        }
        float maxNeg = Float.NEGATIVE_INFINITY;
        for (SparseVector n : negative) {
            maxNeg = Math.max(maxNeg, candidate.dot(n));
        }
        return maxPos > maxNeg
                ? RecommendScoring.scaledFastSigmoid(maxPos)
                : -RecommendScoring.scaledFastSigmoid(maxNeg);
    }

    /** sum_scores with dot-product similarity. */
    static float sumScores(SparseVector candidate, List<SparseVector> positive, List<SparseVector> negative) {
        float s = 0;
        for (SparseVector p : positive) {
            s += candidate.dot(p);
        }
        for (SparseVector n : negative) {
            s -= candidate.dot(n);
        }
        return s;
    }
}
