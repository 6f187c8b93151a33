package io.sextant.index;

import io.sextant.vector.Distance;
import io.sextant.vector.VectorKernels;

/**
 * A {@link ScorerSupplier} over heap vectors held in a {@code float[][]} (one row per ordinal, all
 * of the same dimension), scoring with {@link ScoreFunction#of(Distance)}. The rows are not copied:
 * the caller must not modify them while the supplier is in use. Thread-safe.
 */
public final class ArrayScorerSupplier implements ScorerSupplier {
    private final float[][] vectors;
    private final int dimension;
    private final ScoreFunction function;
    private final VectorKernels kernels;

    /**
     * @param vectors the stored vectors; every row must have the same length
     * @param distance the collection's distance
     */
    public ArrayScorerSupplier(float[][] vectors, Distance distance) {
        this.vectors = vectors;
        this.dimension = vectors.length == 0 ? 0 : vectors[0].length;
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != dimension) {
                throw new IllegalArgumentException("vector " + i + " has dimension " + vectors[i].length + ", expected "
                        + dimension + " like vector 0");
            }
        }
        this.function = ScoreFunction.of(distance);
        this.kernels = VectorKernels.get();
    }

    /** A scorer for an external query vector of this supplier's dimension. */
    public VectorScorer queryScorer(float[] query) {
        if (query.length != dimension) {
            throw new IllegalArgumentException("query has dimension " + query.length + ", expected " + dimension);
        }
        float[][] v = vectors;
        VectorKernels k = kernels;
        return switch (function) {
            case DOT_PRODUCT -> ord -> k.dot(query, v[ord]);
            case NEGATIVE_SQUARE_L2 -> ord -> -k.squareDistance(query, v[ord]);
            case NEGATIVE_L1 -> ord -> -k.manhattan(query, v[ord]);
        };
    }

    @Override
    public VectorScorer scorerFor(int ordinal) {
        return queryScorer(vectors[ordinal]);
    }

    @Override
    public float score(int a, int b) {
        return function.compare(kernels, vectors[a], vectors[b]);
    }

    @Override
    public int size() {
        return vectors.length;
    }

    /** The vectors' dimension (0 when there are none). */
    public int dimension() {
        return dimension;
    }
}
