package io.sextant.segment.config;

import java.util.Locale;

/**
 * Where a stored component lives (Qdrant's {@code memory} parameter): read into memory and kept
 * there ({@link #PINNED}), memory-mapped and paged by the operating system ({@link #CACHED}), or
 * read from disk on demand without filling the page cache ({@link #COLD}).
 */
public enum MemoryPlacement {
    PINNED,
    CACHED,
    COLD;

    /** The name on the wire: {@code pinned}, {@code cached}, {@code cold}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} naming the valid values. */
    public static MemoryPlacement fromWireName(String s) {
        for (MemoryPlacement m : values()) {
            if (m.wireName().equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "Unknown memory placement '" + s + "', expected one of pinned, cached, cold");
    }
}
