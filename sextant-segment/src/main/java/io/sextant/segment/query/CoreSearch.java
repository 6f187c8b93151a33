package io.sextant.segment.query;

import io.sextant.segment.filter.Filter;

/**
 * One nearest-neighbour search against one named vector: the unit every query (query API,
 * legacy search, recommend, prefetch) is reduced to before it reaches a shard.
 *
 * @param vectorName the named vector to search ("" for the unnamed default vector)
 * @param vector the query vector, already of the collection's dimension
 * @param filter points must match this filter; {@link Filter#ALL} for none
 * @param limit number of hits to return after {@code offset}
 * @param offset number of best hits to skip
 * @param scoreThreshold hits scoring worse than this are dropped; null for none
 * @param params search parameters
 * @param withPayload which payload to return
 * @param withVector which vectors to return
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
        VectorSelector withVector) {
    public CoreSearch {
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
}
