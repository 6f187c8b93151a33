package io.sextant.cluster.replica;

import java.util.Locale;

/**
 * Qdrant's {@code ordering} write parameter. Sextant orders every write of a shard at its primary
 * (the first Active replica in placement order), which is already what {@code medium} asks (a
 * dynamically chosen leader) and stronger than {@code weak}; {@code strong} additionally requires
 * the primary to be the shard's first replica in placement order (Qdrant's "permanent leader"):
 * when that replica is not Active or unreachable the write fails instead of moving on.
 */
public enum WriteOrdering {
    WEAK,
    MEDIUM,
    STRONG;

    /**
     * Parses {@code weak}, {@code medium} or {@code strong}.
     *
     * @throws IllegalArgumentException naming the value otherwise
     */
    public static WriteOrdering parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "weak" -> WEAK;
            case "medium" -> MEDIUM;
            case "strong" -> STRONG;
            default ->
                throw new IllegalArgumentException("ordering must be weak, medium or strong, got '" + value + "'");
        };
    }
}
