package io.sextant.segment.filter;

/** Evaluates a {@link Filter} on one point. Stateless and thread-safe. */
public final class FilterEvaluator {
    private FilterEvaluator() {}

    /** Whether {@code point} satisfies {@code filter}. */
    public static boolean matches(Filter filter, PointView point) {
        throw new UnsupportedOperationException("FilterEvaluator.matches is not implemented yet");
    }
}
