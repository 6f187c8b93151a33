package io.sextant.collection.query;

import io.sextant.vector.Distance;
import io.sextant.vector.MaxSim;
import io.sextant.vector.Similarity;
import java.util.List;

/**
 * Recommendation math, as Qdrant defines it. Similarities are oriented so larger is better: the
 * raw score for Cosine and Dot, the negated distance for Euclid and Manhattan. Stateless and
 * thread-safe.
 */
public final class RecommendScoring {
    private RecommendScoring() {}

    /**
     * Similarity of an example (the query side) to a candidate, oriented so larger is better;
     * vectors normalized already for Cosine.
     */
    @FunctionalInterface
    public interface PairSimilarity {
        float of(float[] example, float[] candidate);

        /** One vector per point ({@code multiDim} 0), or max_sim over vectors of {@code multiDim}. */
        static PairSimilarity of(Distance d, int multiDim) {
            return multiDim == 0 ? (a, b) -> similarity(d, a, b) : (a, b) -> MaxSim.score(d, a, b, multiDim);
        }
    }

    /**
     * Qdrant's "average" of multivector examples: every positive example's vectors concatenated,
     * then every negative example's vectors negated.
     */
    public static float[] concatenated(List<float[]> positive, List<float[]> negative) {
        int n = 0;
        for (float[] v : positive) {
            n += v.length;
        }
        for (float[] v : negative) {
            n += v.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] v : positive) {
            System.arraycopy(v, 0, out, at, v.length);
            at += v.length;
        }
        for (float[] v : negative) {
            for (float x : v) {
                out[at++] = -x;
            }
        }
        return out;
    }

    /** {@code avg(pos) + avg(pos) - avg(neg)}, or {@code avg(pos)} without negatives. */
    public static float[] averageVector(List<float[]> positive, List<float[]> negative, int dim) {
        float[] avgPos = average(positive, dim);
        if (negative.isEmpty()) {
            return avgPos;
        }
        float[] avgNeg = average(negative, dim);
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) {
            out[i] = avgPos[i] + avgPos[i] - avgNeg[i];
        }
        return out;
    }

    static float[] average(List<float[]> vectors, int dim) {
        float[] out = new float[dim];
        if (vectors.isEmpty()) {
            return out;
        }
        for (float[] v : vectors) {
            for (int i = 0; i < dim; i++) {
                out[i] += v[i];
            }
        }
        for (int i = 0; i < dim; i++) {
            out[i] /= vectors.size();
        }
        return out;
    }

    /** Similarity oriented so larger is better; vectors must already be normalized for Cosine. */
    public static float similarity(Distance distance, float[] a, float[] b) {
        float s = Similarity.score(distance, a, b);
        return distance.higherIsBetter() ? s : -s;
    }

    /**
     * best_score: {@code sigmoid(maxPos)} when the best positive similarity beats the best negative
     * one, else {@code -sigmoid(maxNeg)}, with {@code sigmoid(x) = 0.5 * (x / (1 + |x|) + 1)}.
     */
    public static float bestScore(Distance d, float[] candidate, List<float[]> positive, List<float[]> negative) {
        return bestScore(PairSimilarity.of(d, 0), candidate, positive, negative);
    }

    /** best_score with {@code sim} as the similarity. */
    public static float bestScore(
            PairSimilarity sim, float[] candidate, List<float[]> positive, List<float[]> negative) {
        float maxPos = Float.NEGATIVE_INFINITY;
        for (float[] p : positive) {
            maxPos = Math.max(maxPos, sim.of(p, candidate));
        }
        float maxNeg = Float.NEGATIVE_INFINITY;
        for (float[] n : negative) {
            maxNeg = Math.max(maxNeg, sim.of(n, candidate));
        }
        return io.sextant.segment.query.ExampleScore.bestScore(maxPos, maxNeg);
    }

    /** sum_scores: Σ similarity to positives − Σ similarity to negatives. */
    public static float sumScores(Distance d, float[] candidate, List<float[]> positive, List<float[]> negative) {
        return sumScores(PairSimilarity.of(d, 0), candidate, positive, negative);
    }

    /** sum_scores with {@code sim} as the similarity. */
    public static float sumScores(
            PairSimilarity sim, float[] candidate, List<float[]> positive, List<float[]> negative) {
        float s = 0;
        for (float[] p : positive) {
            s += sim.of(p, candidate);
        }
        for (float[] n : negative) {
            s -= sim.of(n, candidate);
        }
        return s;
    }

    static float scaledFastSigmoid(float x) {
        return io.sextant.segment.query.ExampleScore.scaledFastSigmoid(x);
    }
}
