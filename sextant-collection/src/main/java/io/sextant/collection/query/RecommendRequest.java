package io.sextant.collection.query;

import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.SearchParams;
import io.sextant.segment.query.VectorSelector;
import java.util.List;

/**
 * A legacy recommendation ({@code POST /points/recommend}), executed by mapping it onto a {@link
 * QueryRequest} with a {@link Query.Recommend}. Immutable.
 */
public record RecommendRequest(
        List<VectorInput> positive,
        List<VectorInput> negative,
        Query.RecommendStrategy strategy,
        String using,
        LookupLocation lookupFrom,
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
                new Query.Recommend(positive, negative, strategy),
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
