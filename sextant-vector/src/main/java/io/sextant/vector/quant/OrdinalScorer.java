package io.sextant.vector.quant;

/**
 * Scores one fixed query against the stored code of an ordinal. Higher means closer: the dot
 * product for Dot and Cosine, the negative squared L2 distance for Euclid, the negative L1 distance
 * for Manhattan (the orientation of {@code io.sextant.index.ScoreFunction}), all approximate.
 * Instances belong to one thread.
 */
@FunctionalInterface
public interface OrdinalScorer {

    /** The approximate similarity of the query and the stored vector {@code ordinal}. */
    float score(int ordinal);

    /**
     * Scores {@code ordinals[0 .. count)} into {@code out[0 .. count)}; scalar int8 scores four rows
     * per kernel pass.
     */
    default void bulkScore(int[] ordinals, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = score(ordinals[i]);
        }
    }
}
