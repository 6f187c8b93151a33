package io.sextant.collection.matrix;

import io.sextant.segment.filter.Filter;

/**
 * A distance matrix request (Qdrant's {@code SearchMatrixRequest}): sample up to {@code sample}
 * points matching {@code filter} that have vector {@code using}, and find for each its {@code
 * limit} nearest among the sample. Immutable.
 *
 * @param sample points to sample (default {@link #DEFAULT_SAMPLE}); 0 gives an empty matrix
 * @param limit neighbours per sampled point (default {@link #DEFAULT_LIMIT}); 0 gives an empty matrix
 * @param filter points eligible for the sample; null = all
 * @param using the vector compared ("" = the unnamed default vector)
 */
public record MatrixRequest(int sample, int limit, Filter filter, String using) {
    public static final int DEFAULT_SAMPLE = 10;
    public static final int DEFAULT_LIMIT = 3;

    public MatrixRequest {
        if (sample < 0) {
            throw new IllegalArgumentException("sample must be >= 0, got " + sample);
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        filter = filter == null ? Filter.ALL : filter;
        using = using == null ? "" : using;
    }
}
