package io.sextant.segment.query;

import io.sextant.segment.filter.Filter;
import io.sextant.vector.sparse.SparseVector;

/**
 * One nearest-neighbour search against one named vector: the unit every query (query API,
 * legacy search, recommend, prefetch) is reduced to before it reaches a shard.
 *
 * @param vectorName the named vector to search ("" for the unnamed default vector)
 * @param vector the dense query vector, already of the collection's dimension; null for a sparse
 *     search
 * @param filter points must match this filter; {@link Filter#ALL} for none
 * @param limit number of hits to return after {@code offset}
 * @param offset number of best hits to skip
 * @param scoreThreshold hits scoring worse than this are dropped; null for none
 * @param params search parameters
 * @param withPayload which payload to return
 * @param withVector which vectors to return
 * @param sparseVector the sparse query vector for a search of a sparse {@code vectorName}; null
 *     for a dense search
 * @param examples when set, hits are ranked by this example score ({@code discover}, {@code
 *     context}, …; higher is better, reported as is) instead of the distance to {@code vector},
 *     which then only names the search's dense vector shape; null for a plain search
 */
public record CoreSearch(
        String vectorName,
        float[] vector,
        Filter filter,
        int limit,
        int offset,
        Float scoreThreshold,
        SearchParams params,
        PayloadSelector withPayload,
        VectorSelector withVector,
        SparseVector sparseVector,
        ExampleScore examples) {
    public CoreSearch {
        if ((vector == null) == (sparseVector == null)) {
            throw new IllegalArgumentException("A search needs exactly one of a dense and a sparse query vector");
        }
        if (examples != null && vector == null) {
            throw new IllegalArgumentException("An example-scored search is a dense search");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
        if (filter == null) {
            filter = Filter.ALL;
        }
        if (params == null) {
            params = SearchParams.DEFAULT;
        }
    }

    /** A plain (not example-scored) dense or sparse search. */
    public CoreSearch(
            String vectorName,
            float[] vector,
            Filter filter,
            int limit,
            int offset,
            Float scoreThreshold,
            SearchParams params,
            PayloadSelector withPayload,
            VectorSelector withVector,
            SparseVector sparseVector) {
        this(
                vectorName,
                vector,
                filter,
                limit,
                offset,
                scoreThreshold,
                params,
                withPayload,
                withVector,
                sparseVector,
                null);
    }

    /** A dense search. */
    public CoreSearch(
            String vectorName,
            float[] vector,
            Filter filter,
            int limit,
            int offset,
            Float scoreThreshold,
            SearchParams params,
            PayloadSelector withPayload,
            VectorSelector withVector) {
        this(vectorName, vector, filter, limit, offset, scoreThreshold, params, withPayload, withVector, null);
    }

    /** This search with another window (limit after offset). */
    public CoreSearch withWindow(int newLimit, int newOffset) {
        return new CoreSearch(
                vectorName,
                vector,
                filter,
                newLimit,
                newOffset,
                scoreThreshold,
                params,
                withPayload,
                withVector,
                sparseVector,
                examples);
    }

    /** This search with another filter. */
    public CoreSearch withFilter(Filter f) {
        return new CoreSearch(
                vectorName,
                vector,
                f,
                limit,
                offset,
                scoreThreshold,
                params,
                withPayload,
                withVector,
                sparseVector,
                examples);
    }

    /** This sparse search with another query vector (for example with idf weights applied). */
    public CoreSearch withSparseVector(SparseVector v) {
        return new CoreSearch(
                vectorName, null, filter, limit, offset, scoreThreshold, params, withPayload, withVector, v);
    }

    /** Whether this searches a sparse vector. */
    public boolean sparse() {
        return sparseVector != null;
    }
}
