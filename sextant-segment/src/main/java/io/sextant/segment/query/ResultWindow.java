package io.sextant.segment.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Overflow-free arithmetic on the sizes a request asks for. {@code limit}, {@code offset}, {@code
 * group_size} and the like arrive from clients as any non-negative {@code int}, so {@code offset +
 * limit} or {@code limit * group_size} overflow to negative numbers in plain {@code int}
 * arithmetic. The sums and products here saturate at {@link Integer#MAX_VALUE} instead: a window
 * larger than the data is simply all of the data, and buffers sized by these numbers must be
 * bounded by the data too (see {@code TopK}). Stateless and thread-safe.
 */
public final class ResultWindow {

    private ResultWindow() {}

    /**
     * {@code offset + limit}, saturated at {@link Integer#MAX_VALUE}: how many best hits a page
     * needs before the offset is skipped.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public static int end(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException(
                    "offset and limit must be >= 0, got offset " + offset + " and limit " + limit);
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) offset + limit);
    }

    /**
     * {@code a * b} for non-negative factors, saturated at {@link Integer#MAX_VALUE}.
     *
     * @throws IllegalArgumentException if either is negative
     */
    public static int product(int a, int b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("factors must be >= 0, got " + a + " and " + b);
        }
        return (int) Math.min(Integer.MAX_VALUE, (long) a * b);
    }

    /**
     * The elements {@code [offset, offset + limit)} of {@code sorted}, clipped to its size, as a new
     * mutable list; empty when {@code offset} is past the end.
     */
    public static <T> List<T> page(List<T> sorted, int offset, int limit) {
        int from = Math.min(sorted.size(), offset);
        int to = Math.min(sorted.size(), end(offset, limit));
        return from >= to ? new ArrayList<>() : new ArrayList<>(sorted.subList(from, to));
    }
}
