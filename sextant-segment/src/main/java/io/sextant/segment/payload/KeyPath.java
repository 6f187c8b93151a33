package io.sextant.segment.payload;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed Qdrant payload key path: dot-separated keys, each optionally followed by {@code []}
 * (every element of an array) or {@code [n]} (element {@code n}). A key containing dots or
 * brackets may be written in double quotes: {@code a."b.c"[]}. Immutable and thread-safe.
 *
 * @param steps the keys in order
 */
public record KeyPath(List<Step> steps) {

    /** Marks a {@code []} index in {@link Step#indexes}. */
    public static final int ALL_ELEMENTS = -1;

    public KeyPath {
        steps = List.copyOf(steps);
    }

    /**
     * One key and the array indexes applied after it.
     *
     * @param key the object key
     * @param indexes {@link #ALL_ELEMENTS} for {@code []}, else the element number
     */
    public record Step(String key, List<Integer> indexes) {
        public Step {
            indexes = List.copyOf(indexes);
        }
    }

    /** Parses {@code path}; throws {@link IllegalArgumentException} naming the path when malformed. */
    public static KeyPath parse(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("Payload key path must not be empty, got '" + path + "'");
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        int n = path.length();
        while (true) {
            StringBuilder key = new StringBuilder();
            if (i < n && path.charAt(i) == '"') {
                int close = path.indexOf('"', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException("Unterminated quote in payload key path '" + path + "'");
                }
                key.append(path, i + 1, close);
                i = close + 1;
            } else {
                while (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') {
                    key.append(path.charAt(i++));
                }
            }
            if (key.isEmpty()) {
                throw new IllegalArgumentException("Empty key in payload key path '" + path + "' at position " + i);
            }
            List<Integer> indexes = new ArrayList<>();
            while (i < n && path.charAt(i) == '[') {
                int close = path.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("Unterminated '[' in payload key path '" + path + "'");
                }
                String inner = path.substring(i + 1, close);
                if (inner.isEmpty()) {
                    indexes.add(ALL_ELEMENTS);
                } else {
                    try {
                        int idx = Integer.parseInt(inner);
                        if (idx < 0) {
                            throw new NumberFormatException();
                        }
                        indexes.add(idx);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "Bad array index '" + inner + "' in payload key path '" + path + "'", e);
                    }
                }
                i = close + 1;
            }
            steps.add(new Step(key.toString(), indexes));
            if (i == n) {
                break;
            }
            if (path.charAt(i) != '.') {
                throw new IllegalArgumentException(
                        "Expected '.' at position " + i + " of payload key path '" + path + "'");
            }
            i++;
        }
        return new KeyPath(steps);
    }
}
