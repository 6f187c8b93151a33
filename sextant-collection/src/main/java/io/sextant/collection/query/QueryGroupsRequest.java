package io.sextant.collection.query;

import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;

/**
 * A grouped query ({@code POST /points/query/groups}): runs {@code query} and groups its results
 * by the values of payload key {@code groupBy} (strings or integers; an array value puts the point
 * in every group of its elements), keeping at most {@code groupSize} points per group and at most
 * {@code limit} groups ({@code query.limit} and {@code query.offset} are ignored). Groups are
 * ordered by their best hit. Immutable.
 *
 * @param query the query to group
 * @param groupBy payload key to group by
 * @param groupSize maximum points per group, >= 1 (default 3)
 * @param limit maximum groups, >= 1 (default 10)
 * @param withLookup attach to each group the point of this collection whose id is the group id; null = none
 */
public record QueryGroupsRequest(QueryRequest query, String groupBy, int groupSize, int limit, WithLookup withLookup) {

    public QueryGroupsRequest {
        if (query == null) {
            throw new IllegalArgumentException("query is required");
        }
        if (groupBy == null || groupBy.isEmpty()) {
            throw new IllegalArgumentException("group_by must be a non-empty payload key");
        }
        if (groupSize < 1) {
            throw new IllegalArgumentException("group_size must be >= 1, got " + groupSize);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
    }

    /**
     * Lookup of group records in another collection.
     *
     * @param collection collection name or alias
     * @param withPayload payload to return; null = all
     * @param withVector vectors to return; null = none
     */
    public record WithLookup(String collection, PayloadSelector withPayload, VectorSelector withVector) {
        public WithLookup {
            withPayload = withPayload == null ? PayloadSelector.ALL : withPayload;
            withVector = withVector == null ? VectorSelector.NONE : withVector;
        }
    }
}
