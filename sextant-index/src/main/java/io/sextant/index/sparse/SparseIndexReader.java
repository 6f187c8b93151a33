package io.sextant.index.sparse;

import io.sextant.vector.sparse.SparseVector;
import java.util.function.IntPredicate;

/**
 * A sparse-vector inverted index over segment ordinals {@code 0 .. ordinalLimit()-1}: for every
 * dimension id, the ordinals whose vector has that dimension, with its weight.
 *
 * <p>{@link #search} is exact: it returns what a brute-force scan returns, the {@code k} ordinals
 * with the largest dot product with the query among those that share at least one dimension id with
 * it (an ordinal with a vector but no shared dimension is never a hit, not even at score 0), ties
 * broken by the smaller ordinal, and every score equal, bit for bit, to {@link
 * SparseVector#dot(SparseVector)} of the query and the indexed vector (the index adds the products
 * in ascending dimension order, as {@code dot} does). Indexes that store weights lossily ({@link
 * SparseValueType#FLOAT16}, {@link SparseValueType#UINT8}) are exact over the decoded weights.
 *
 * <p>Implementations are safe for concurrent searches; see each for writers and {@link #close()}.
 */
public interface SparseIndexReader extends AutoCloseable {
    /** Every indexed ordinal is below this. */
    int ordinalLimit();

    /**
     * The number of postings of {@code dimId} (an unsigned 32-bit id), deleted ordinals included; 0
     * when no vector has that dimension.
     */
    int docFrequency(int dimId);

    /** The number of postings over all dimensions. */
    long postingCount();

    /**
     * The exact top {@code k} by dot product, best first.
     *
     * @param query any sparse vector with sorted unique ids (weights may be negative or zero)
     * @param k the most hits wanted; may exceed the number of matches, 0 gives an empty result
     * @param accept the ordinals that may be returned, {@code null} for all; called at most once per
     *     candidate, from the searching thread
     * @throws IllegalArgumentException when {@code k} is negative
     */
    SparseTopK search(SparseVector query, int k, IntPredicate accept);

    /** Releases the index's resources; searches must not run concurrently with or after it. */
    @Override
    void close();
}
