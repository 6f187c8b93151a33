package io.sextant.collection.facet;

import io.sextant.segment.filter.Filter;

/**
 * A facet request (Qdrant's {@code FacetRequest}): count the distinct values of the indexed payload
 * field {@code key} over the points matching {@code filter}. Immutable.
 *
 * @param key payload key; it must have a keyword, integer, uuid or bool index
 * @param filter points counted; null = all
 * @param limit how many values to return, at least 1 (default {@link #DEFAULT_LIMIT})
 * @param exact Qdrant's exactness flag; counts here are always exact
 */
public record FacetRequest(String key, Filter filter, int limit, boolean exact) {
    public static final int DEFAULT_LIMIT = 10;

    public FacetRequest {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("facet key must not be empty");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        filter = filter == null ? Filter.ALL : filter;
    }
}
