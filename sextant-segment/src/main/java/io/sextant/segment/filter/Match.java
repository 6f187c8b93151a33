package io.sextant.segment.filter;

import java.util.List;

/**
 * The {@code match} part of a field condition. Values are {@link String}, {@link Long} or {@link
 * Boolean}, as in Qdrant ({@code value}: keyword, integer or bool; {@code any}/{@code except}:
 * keywords or integers).
 */
public sealed interface Match {

    /** {@code {"value": v}}: some value at the key equals {@code value}. */
    record Value(Object value) implements Match {}

    /** {@code {"any": [...]}}: some value at the key equals one of {@code values}. */
    record Any(List<Object> values) implements Match {}

    /** {@code {"except": [...]}}: no value at the key equals any of {@code values}. */
    record Except(List<Object> values) implements Match {}

    /** {@code {"text": t}}: full-text match, every token of {@code text} occurs in the field. */
    record Text(String text) implements Match {}

    /** {@code {"phrase": p}}: the tokens of {@code phrase} occur consecutively in the field. */
    record Phrase(String phrase) implements Match {}

    /** {@code {"prefix": p}}: some string value at the key starts with {@code prefix} ("" matches any string). */
    record Prefix(String prefix) implements Match {}

    /** Full-text match of any word of {@code text} (Qdrant's {@code text_any}). */
    record TextAny(String text) implements Match {}
}
