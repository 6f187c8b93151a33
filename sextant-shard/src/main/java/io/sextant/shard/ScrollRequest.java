package io.sextant.shard;

import io.sextant.segment.PointId;
import io.sextant.segment.filter.Filter;
import io.sextant.segment.query.PayloadSelector;
import io.sextant.segment.query.VectorSelector;

/**
 * A scroll page request. Without {@code orderBy}: points in ascending id order starting at {@code
 * offset} (inclusive; null = from the start). With {@code orderBy}: points ordered by a payload
 * field's value ({@code offset} must be null then, as in Qdrant).
 */
public record ScrollRequest(
        Filter filter,
        int limit,
        PointId offset,
        OrderBy orderBy,
        PayloadSelector withPayload,
        VectorSelector withVector) {

    /**
     * Order by a numeric or datetime payload field.
     *
     * @param key payload key
     * @param descending direction
     * @param startFrom first value to include (epoch micros for datetimes); null = no bound
     */
    /** This request with another filter. */
    public ScrollRequest withFilter(Filter f) {
        return new ScrollRequest(f, limit, offset, orderBy, withPayload, withVector);
    }

    public record OrderBy(String key, boolean descending, Double startFrom) {}
}
