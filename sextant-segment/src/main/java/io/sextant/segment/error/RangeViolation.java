package io.sextant.segment.error;

/**
 * A well-typed value outside its documented range, found by a domain constructor (an {@code
 * ef_construct} below 4, a vector size above 65536). Its message reads "{@code field must be >= min,
 * got value}"; {@link #describe()} gives Qdrant's validator wording ("{@code value 0 invalid, must be
 * 4 or larger}"), which the API layer reports as a validation error (REST 422) under {@link #field()}.
 * Immutable.
 */
public final class RangeViolation extends IllegalArgumentException {
    private final String field;
    private final String value;
    private final String min;
    private final String max;

    private RangeViolation(String field, String value, String min, String max, String message) {
        super(message);
        this.field = field;
        this.value = value;
        this.min = min;
        this.max = max;
    }

    /** {@code value} is below {@code min} (no upper bound). */
    public static RangeViolation atLeast(String field, Number value, Number min) {
        return new RangeViolation(
                field, value.toString(), min.toString(), null, field + " must be >= " + min + ", got " + value);
    }

    /** {@code value} is outside {@code [min, max]}. */
    public static RangeViolation between(String field, Number value, Number min, Number max) {
        return new RangeViolation(
                field,
                value.toString(),
                min.toString(),
                max.toString(),
                field + " must be in [" + min + ", " + max + "], got " + value);
    }

    /** The field's name, or dotted path relative to the object being built. */
    public String field() {
        return field;
    }

    /** Qdrant's validator wording, without the field name. */
    public String describe() {
        return max == null
                ? "value " + value + " invalid, must be " + min + " or larger"
                : "value " + value + " invalid, must be from " + min + " to " + max;
    }
}
