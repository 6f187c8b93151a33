package io.sextant.index;

/**
 * Scores one fixed vector (a query, or a stored node during graph construction) against stored
 * vectors addressed by ordinal. Scores are oriented so that a <b>higher score means closer</b>; see
 * {@link ScoreFunction} for how each {@link io.sextant.vector.Distance} is mapped.
 *
 * <p>Implementations are usually cheap, stateless views and are safe to use from the thread that
 * created them; whether one instance may be shared across threads is up to the implementation (the
 * ones in this package are thread-safe).
 */
@FunctionalInterface
public interface VectorScorer {

    /** The similarity between the fixed vector and the stored vector {@code ordinal}. */
    float score(int ordinal);

    /**
     * Scores {@code ordinals[0 .. count)} into {@code out[0 .. count)}; implementations over
     * off-heap rows score several at once (see {@link io.sextant.vector.VectorKernels#dot4}).
     */
    default void bulkScore(int[] ordinals, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = score(ordinals[i]);
        }
    }
}
