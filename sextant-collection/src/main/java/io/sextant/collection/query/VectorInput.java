package io.sextant.collection.query;

import io.sextant.segment.PointId;
import io.sextant.vector.sparse.SparseVector;

/**
 * A vector given in a query: literally (dense or sparse) or as the id of a stored point whose vector
 * is used.
 */
public sealed interface VectorInput {

    /** A literal dense vector. */
    record Dense(float[] vector) implements VectorInput {}

    /** A literal sparse vector (or one encoded from a document, e.g. by BM25). */
    record Sparse(SparseVector vector) implements VectorInput {}

    /** The vector of a stored point (from the collection itself or {@code lookup_from}). */
    record ById(PointId id) implements VectorInput {}

    static VectorInput of(float... vector) {
        return new Dense(vector);
    }

    static VectorInput of(PointId id) {
        return new ById(id);
    }
}
