package io.sextant.vector.quant;

/**
 * Approximate similarities of two queries against one stored vector at a time, for scoring
 * several query vectors against the same codes (multivector max_sim) with one read of each code.
 * Not thread-safe when the implementation keeps scratch space; one per search.
 */
@FunctionalInterface
public interface PairScorer {

    /** Writes the similarity of the first query to {@code out[0]} and of the second to {@code out[1]}. */
    void score(int ordinal, float[] out);
}
