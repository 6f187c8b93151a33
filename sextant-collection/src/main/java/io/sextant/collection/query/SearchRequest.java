package io.sextant.collection.query;

import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;

/**
 * A legacy nearest-neighbour search ({@code POST /points/search}), executed by mapping it onto a
 * {@link QueryRequest}. Immutable.
 *
 * @param using vector name ("" = unnamed default vector)
 * @param vector the query vector
 */
public record SearchRequest(
        String using,
        float[] vector,
        Filter filter,
        SearchParams params,
        int limit,
        int offset,
        Float scoreThreshold,
        PayloadSelector withPayload,
        VectorSelector withVector) {

    public QueryRequest toQueryRequest() {
        return new QueryRequest(
                null,
                new Query.Nearest(new VectorInput.Dense(vector)),
                using,
                filter,
                params,
                scoreThreshold,
                limit,
                offset,
                withPayload,
                withVector,
                null);
    }
}
