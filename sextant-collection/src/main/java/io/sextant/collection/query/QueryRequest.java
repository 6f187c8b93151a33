package io.sextant.collection.query;

import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import java.util.List;

/**
 * A universal query ({@code POST /points/query} in Qdrant) or one of its prefetches. Prefetches run
 * first; the query then re-scores (nearest, recommend, discover, context, relevance_feedback,
 * order_by, sample) or fuses (fusion) their candidates. Prefetches need a query (Qdrant refuses them
 * without one); without both the result is the matching points in id order with score 0. Immutable.
 *
 * @param prefetch nested requests whose results are this request's candidates; empty = none
 * @param query how to score; null = none
 * @param using the named vector to search ("" or null = the unnamed default vector)
 * @param filter points must match it; null = all points
 * @param params search parameters; null = defaults
 * @param scoreThreshold drop results scoring worse than this; null = none
 * @param limit maximum results, default 10
 * @param offset results to skip (top-level only)
 * @param withPayload payload to return; null = none
 * @param withVector vectors to return; null = none
 * @param lookupFrom where point-id inputs are looked up; null = this collection
 */
public record QueryRequest(
        List<QueryRequest> prefetch,
        Query query,
        String using,
        Filter filter,
        SearchParams params,
        Float scoreThreshold,
        int limit,
        int offset,
        PayloadSelector withPayload,
        VectorSelector withVector,
        LookupLocation lookupFrom) {

    public static final int DEFAULT_LIMIT = 10;

    public QueryRequest {
        prefetch = prefetch == null ? List.of() : List.copyOf(prefetch);
        using = using == null ? "" : using;
        filter = filter == null ? Filter.ALL : filter;
        params = params == null ? SearchParams.DEFAULT : params;
        withPayload = withPayload == null ? PayloadSelector.NONE : withPayload;
        withVector = withVector == null ? VectorSelector.NONE : withVector;
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    /** A request with only a query and a limit; everything else default. */
    public static QueryRequest of(Query query, int limit) {
        return new QueryRequest(null, query, null, null, null, null, limit, 0, null, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder for {@link QueryRequest}; not thread-safe. */
    public static final class Builder {
        private List<QueryRequest> prefetch = List.of();
        private Query query;
        private String using;
        private Filter filter;
        private SearchParams params;
        private Float scoreThreshold;
        private int limit = DEFAULT_LIMIT;
        private int offset;
        private PayloadSelector withPayload;
        private VectorSelector withVector;
        private LookupLocation lookupFrom;

        public Builder prefetch(List<QueryRequest> v) {
            prefetch = v;
            return this;
        }

        public Builder prefetch(QueryRequest... v) {
            prefetch = List.of(v);
            return this;
        }

        public Builder query(Query v) {
            query = v;
            return this;
        }

        public Builder using(String v) {
            using = v;
            return this;
        }

        public Builder filter(Filter v) {
            filter = v;
            return this;
        }

        public Builder params(SearchParams v) {
            params = v;
            return this;
        }

        public Builder scoreThreshold(Float v) {
            scoreThreshold = v;
            return this;
        }

        public Builder limit(int v) {
            limit = v;
            return this;
        }

        public Builder offset(int v) {
            offset = v;
            return this;
        }

        public Builder withPayload(PayloadSelector v) {
            withPayload = v;
            return this;
        }

        public Builder withVector(VectorSelector v) {
            withVector = v;
            return this;
        }

        public Builder lookupFrom(LookupLocation v) {
            lookupFrom = v;
            return this;
        }

        public QueryRequest build() {
            return new QueryRequest(
                    prefetch,
                    query,
                    using,
                    filter,
                    params,
                    scoreThreshold,
                    limit,
                    offset,
                    withPayload,
                    withVector,
                    lookupFrom);
        }
    }
}
